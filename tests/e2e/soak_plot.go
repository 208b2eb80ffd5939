//go:build e2e

package e2e

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// soakPlotColors tell the series of a panel apart (one per process at most).
var soakPlotColors = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xd6, 0x27, 0x28, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xff, 0x7f, 0x0e, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
}

// soakSeries is one line of a panel: a name and a value per sample.
type soakSeries struct {
	name   string
	values []float64
}

// soakPanel is one chart of soak.png.
type soakPanel struct {
	title  string
	series []soakSeries
}

const (
	soakPlotWidth  = 1000
	soakPanelH     = 260
	soakPlotMargin = 60
)

// plotSoak draws soak.png from the samples: RSS and anonymous RSS per process, disk per chain,
// and root finality lag with messages in flight, each against the soak's minutes.
func plotSoak(file string, rows []soakSample) error {
	if len(rows) < 2 {
		return fmt.Errorf("plot: %d samples, need 2", len(rows))
	}
	minutes := make([]float64, len(rows))
	for i, r := range rows {
		minutes[i] = r.elapsed.Minutes()
	}
	column := func(get func(soakSample) float64) []float64 {
		v := make([]float64, len(rows))
		for i, r := range rows {
			v[i] = get(r)
		}
		return v
	}
	rss := soakPanel{title: "RSS (MiB) per process"}
	for i, p := range soakProcesses {
		rss.series = append(rss.series, soakSeries{p, column(func(r soakSample) float64 { return r.rss[i] })})
	}
	anon := soakPanel{title: "anonymous RSS (MiB): RSS less the mapped binary"}
	for i, p := range soakProcesses {
		anon.series = append(anon.series, soakSeries{p, column(func(r soakSample) float64 { return r.anon[i] })})
	}
	disk := soakPanel{title: "disk (MiB) per chain home/data"}
	for i, p := range defaultTree {
		disk.series = append(disk.series, soakSeries{p, column(func(r soakSample) float64 { return r.disk[i] })})
	}
	lag := soakPanel{title: "root finality lag (root blocks) and messages in flight", series: []soakSeries{
		{"finality lag", column(func(r soakSample) float64 { return float64(r.rootHeight - r.finality) })},
		{"in flight", column(func(r soakSample) float64 { return float64(r.inFlight) })},
	}}
	panels := []soakPanel{rss, anon, disk, lag}

	img := image.NewRGBA(image.Rect(0, 0, soakPlotWidth, soakPanelH*len(panels)+30))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for i, p := range panels {
		drawPanel(img, image.Rect(0, i*soakPanelH, soakPlotWidth, (i+1)*soakPanelH), p, minutes)
	}
	label(img, soakPlotWidth/2-40, soakPanelH*len(panels)+20, "minutes of soak", color.Black)
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// drawPanel draws one chart in area: axes with min/max labels, a line per series and a legend.
func drawPanel(img *image.RGBA, area image.Rectangle, p soakPanel, xs []float64) {
	plot := image.Rect(area.Min.X+soakPlotMargin, area.Min.Y+30, area.Max.X-160, area.Max.Y-20)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range p.series {
		for _, v := range s.values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	lo = math.Min(lo, 0)
	if hi <= lo {
		hi = lo + 1
	}
	grey := color.RGBA{0xc0, 0xc0, 0xc0, 0xff}
	line(img, plot.Min.X, plot.Max.Y, plot.Max.X, plot.Max.Y, color.Black)
	line(img, plot.Min.X, plot.Min.Y, plot.Min.X, plot.Max.Y, color.Black)
	line(img, plot.Min.X, plot.Min.Y, plot.Max.X, plot.Min.Y, grey)
	label(img, area.Min.X+soakPlotMargin, area.Min.Y+18, p.title, color.Black)
	label(img, area.Min.X+4, plot.Min.Y+5, fmt.Sprintf("%.0f", hi), color.Black)
	label(img, area.Min.X+4, plot.Max.Y, fmt.Sprintf("%.0f", lo), color.Black)
	label(img, plot.Min.X, plot.Max.Y+14, fmt.Sprintf("%.0f", xs[0]), color.Black)
	label(img, plot.Max.X-20, plot.Max.Y+14, fmt.Sprintf("%.0f", xs[len(xs)-1]), color.Black)

	x0, x1 := xs[0], xs[len(xs)-1]
	if x1 <= x0 {
		x1 = x0 + 1
	}
	px := func(x float64) int { return plot.Min.X + int((x-x0)/(x1-x0)*float64(plot.Dx())) }
	py := func(y float64) int { return plot.Max.Y - int((y-lo)/(hi-lo)*float64(plot.Dy())) }
	for i, s := range p.series {
		c := soakPlotColors[i%len(soakPlotColors)]
		for j := 1; j < len(s.values); j++ {
			line(img, px(xs[j-1]), py(s.values[j-1]), px(xs[j]), py(s.values[j]), c)
		}
		y := plot.Min.Y + 14*i + 8
		line(img, plot.Max.X+10, y-4, plot.Max.X+30, y-4, c)
		label(img, plot.Max.X+36, y, fmt.Sprintf("%s %.0f", s.name, s.values[len(s.values)-1]), c)
	}
}

// line draws a segment (Bresenham), two pixels thick.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	err := dx + dy
	for {
		img.Set(x0, y0, c)
		img.Set(x0, y0+1, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * err
		if e2 >= dy {
			err += dy
			x0 += sx
		}
		if e2 <= dx {
			err += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// label writes text with its baseline at (x, y).
func label(img *image.RGBA, x, y int, text string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(text)
}
