//go:build e2e

package e2e

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSoakPlot draws soak.png from made-up samples (the soak itself is opt-in and long) and
// checks the least-squares slope the soak reports.
func TestSoakPlot(t *testing.T) {
	var rows []soakSample
	for m := 0; m <= 60; m++ {
		r := soakSample{minute: m, elapsed: time.Duration(m) * time.Minute, rootHeight: int64(100 + 40*m), finality: int64(70 + 40*m), inFlight: m % 4}
		for i := range soakProcesses {
			r.rss = append(r.rss, float64(230+i*10)+0.5*float64(m)) // 30 MiB/h each
			r.anon = append(r.anon, float64(120+i*10))
		}
		for i := range defaultTree {
			r.disk = append(r.disk, float64(10+i+m))
		}
		rows = append(rows, r)
	}
	file := filepath.Join(t.TempDir(), "soak.png")
	require.NoError(t, plotSoak(file, rows))
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	require.Equal(t, soakPlotWidth, img.Bounds().Dx())

	require.Error(t, plotSoak(file, rows[:1]), "one sample is no plot")
	require.InDelta(t, 30.0, slope([]float64{0, 0.5, 1}, []float64{230, 245, 260}), 1e-9)
	require.Zero(t, slope([]float64{1, 1}, []float64{2, 3}), "no spread in x: no slope")
	require.Contains(t, rssSlopes(rows), "root +30.0 (anon +0.0)")
}
