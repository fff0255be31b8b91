package grapesjs

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// MissingGrapesJS is the one line a run prints when GrapesJS is not installed: the suite serves it from
// node_modules and nothing is fetched at run time, so npm must have put it there first.
const MissingGrapesJS = "run npm ci in suites/grapesjs (make e2e does it)"

// distDir is where npm puts GrapesJS's built files, relative to this package's folder (the working directory
// of go test and of the Ginkgo CLI).
var distDir = filepath.Join("node_modules", "grapesjs", "dist")

// distFiles are the files the builder page loads; checking them, not just the folder, also catches an install
// that was interrupted.
var distFiles = []string{"grapes.min.js", filepath.Join("css", "grapes.min.css")}

//go:embed builder.html
var builderPage []byte

// Paths the server answers.
const (
	// BuilderPath is the page builder: GrapesJS with its block, layer and style managers around an iframe canvas.
	BuilderPath = "builder.html"
	// The root is a tiny page of the same origin, so that the browser pool's warm-up load costs next to nothing
	// instead of starting a whole editor in every session it prepares.
	rootPage = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>GrapesJS suite</title>` +
		`<a href="builder.html">Page builder</a>`
)

// Server serves the builder page and GrapesJS's dist files on loopback.
type Server struct {
	srv *http.Server
	url string
}

// Serve starts serving on 127.0.0.1 on a free port. It fails with MissingGrapesJS when node_modules lacks
// GrapesJS.
func Serve() (*Server, error) {
	dist, err := filepath.Abs(distDir)
	if err != nil {
		return nil, err
	}
	for _, f := range distFiles {
		if _, err := os.Stat(filepath.Join(dist, f)); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, errors.New(MissingGrapesJS)
			}
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("serving GrapesJS: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { writePage(w, []byte(rootPage)) })
	mux.HandleFunc("GET /"+BuilderPath, func(w http.ResponseWriter, _ *http.Request) { writePage(w, builderPage) })
	// Only the dist folder is served: the page needs nothing else from node_modules.
	mux.Handle("GET /grapesjs/", http.StripPrefix("/grapesjs/", http.FileServer(http.Dir(dist))))
	s := &Server{
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		url: "http://" + ln.Addr().String() + "/",
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func writePage(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// URL is the server's address with a trailing slash.
func (s *Server) URL() string { return s.url }

// Close stops the server, letting requests under way finish for a moment.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
