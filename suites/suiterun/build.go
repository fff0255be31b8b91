package suiterun

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// Build compiles the suite package pkg (an import path, or a ./path relative to the working directory) with
// go test -c into dir and returns the binary's path: dir/<package name>.test, because the Ginkgo CLI runs a
// precompiled suite only when its name ends in .test (onsi/ginkgo#845).
func Build(ctx context.Context, dir, pkg string) (string, error) {
	bin := filepath.Join(dir, path.Base(pkg)+".test")
	return bin, goTool(ctx, "test", "-c", "-o", bin, pkg)
}

// BuildGinkgo builds the Ginkgo CLI into dir and returns its path. It is the version go.mod requires, so the CLI
// and the suites' Ginkgo library speak the same protocol.
func BuildGinkgo(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "ginkgo")
	return bin, goTool(ctx, "build", "-o", bin, "github.com/onsi/ginkgo/v2/ginkgo")
}

func goTool(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}
