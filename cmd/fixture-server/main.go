// Command fixture-server serves the fixture editor and its gallery of known
// regressions, for trying the editor by hand or running the suites against a
// long-lived server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/e2e-harness/e2e/fixtures"
)

func main() {
	flags := flag.NewFlagSet("fixture-server", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free port")
	version := flags.String("version", fixtures.DefaultVersion, "version reported by /version and the editor's app-version meta tag")
	flags.Usage = func() {
		out := flags.Output()
		fmt.Fprintln(out, "Usage: fixture-server [--addr host:port] [--version v]")
		fmt.Fprintln(out)
		fmt.Fprintln(out, "Serves the fixture editor at /, its known regressions under /regressions/,")
		fmt.Fprintln(out, "and an in-memory document API, until interrupted (SIGINT or SIGTERM).")
		fmt.Fprintln(out)
		fmt.Fprintln(out, "Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "fixture-server: unexpected arguments %q\n", flags.Args())
		flags.Usage()
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	log.SetFlags(0)
	log.SetPrefix("fixture-server: ")
	srv, err := fixtures.Serve(ctx, *addr, fixtures.WithVersion(*version))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("serving the fixture editor (version %s) at %s/", *version, srv.URL())
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		log.Fatalf("shutting down: %v", err)
	}
}
