// Package explorer serves a tree explorer for operators (issue 19): one HTML page, with its
// script inline and no build step, that draws the tree from a JSON endpoint — per chain its
// height, latest commitment, finality and lag, status, epoch and operator, stalled edges in red,
// and the messages and routes in flight. It reads the chains through relayer/inspect.
package explorer

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/slush-tree/slush/relayer/inspect"
	"github.com/slush-tree/slush/relayer/tree"
)

//go:embed index.html
var page []byte

// readTimeout bounds one reading of the tree for the JSON endpoint.
const readTimeout = 20 * time.Second

// Handler serves the page at / and the tree at /api/tree (read when asked; concurrent requests
// share one reading). stall is the edge stall threshold (root heights).
func Handler(t *tree.Tree, stall uint64) http.Handler {
	var mu sync.Mutex
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	mux.HandleFunc("/api/tree", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		ctx, cancel := context.WithTimeout(r.Context(), readTimeout)
		defer cancel()
		v := inspect.ReadTree(ctx, t, stall)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(struct {
			*inspect.TreeView
			ReadAt string `json:"read_at"`
			// SubtreeProofs labels the mode the tree's chains run (issue 16; TreeView.SubtreeProofsLabel).
			SubtreeProofs string `json:"subtree_proofs"`
		}{v, time.Now().UTC().Format(time.RFC3339), v.SubtreeProofsLabel()})
	})
	return mux
}
