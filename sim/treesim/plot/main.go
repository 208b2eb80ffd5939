//go:build ignore

// Command plot runs the acceptance simulation over a grid of tree sizes and widths, prints
// the markdown table of docs/BENCHMARKS.md ("Acceptance simulation") and draws
// docs/img/acceptance-scaling.png with only the standard library.
//
//	go run ./sim/treesim/plot/main.go -out docs/img/acceptance-scaling.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"strings"

	"github.com/slush-tree/slush/sim/treesim"
)

var (
	sizes     = []int{1000, 2000, 5000, 10000, 20000, 50000, 100000}
	tableSize = map[int]bool{1000: true, 10000: true, 100000: true}
	widths    = []int{3, 10}
	colors    = map[int]color.RGBA{3: {0x1f, 0x5f, 0xbf, 0xff}, 10: {0xd0, 0x30, 0x20, 0xff}}
	gray      = color.RGBA{0x80, 0x80, 0x80, 0xff}
	black     = color.RGBA{0, 0, 0, 0xff}
)

func main() {
	out := flag.String("out", "docs/img/acceptance-scaling.png", "PNG output path")
	flag.Parse()
	runs := map[key]treesim.Result{}
	var table []treesim.Result
	for _, n := range sizes {
		for _, w := range widths {
			for _, p := range []treesim.Propagation{treesim.Delayed, treesim.SameRound} {
				res, err := treesim.Run(treesim.Config{Nodes: n, Width: w, Propagation: p})
				if err != nil {
					log.Fatal(err)
				}
				runs[key{n, w, p}] = res
				if tableSize[n] {
					table = append(table, res)
				}
			}
		}
	}
	printMarkdown(table)
	if err := writePNG(*out, runs); err != nil {
		log.Fatal(err)
	}
}

type key struct {
	n, w int
	p    treesim.Propagation
}

func printMarkdown(rs []treesim.Result) {
	fmt.Println("| N | W | propagation | depth d | rounds | root lag (rounds) | lag in C = lag·(W+1) | seed (W+1)·C·d | hashes/child max | hashes/child mean | hashes/node max | hashes/node mean | buckets/report mean | buckets/report max | updates/s |")
	fmt.Println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		lagC := "–"
		if r.Config.Propagation == treesim.Delayed {
			lagC = fmt.Sprint(r.FinalityC)
		}
		fmt.Printf("| %d | %d | %s | %d | %d | %d | %s | %d | %d | %.2f | %d | %.2f | %.2f | %d | %.2g |\n",
			r.Config.Nodes, r.Config.Width, r.Config.Propagation, r.Depth, r.Config.Rounds,
			r.RootFinalityLag, lagC, r.SeedFinalityC, r.MaxHashesPerChild, r.MeanHashesPerChild,
			r.MaxHashesPerNode, r.MeanHashesPerNode, r.MeanReportBuckets, r.MaxReportBuckets, r.UpdatesPerSecond)
	}
}

// panel is one chart: series drawn against log10(N) in [3, 5].
type panel struct {
	title  string
	ymax   float64
	series []series
}

type series struct {
	label  string
	col    color.RGBA
	dashed bool
	f      func(n float64) float64 // value at N (continuous for seed curves)
	points bool                    // measured: draw only at simulated sizes
}

func writePNG(path string, runs map[key]treesim.Result) error {
	measured := func(w int, p treesim.Propagation, v func(treesim.Result) float64) func(float64) float64 {
		return func(n float64) float64 { return v(runs[key{int(math.Round(n)), w, p}]) }
	}
	logW := func(w int) func(float64) float64 {
		return func(n float64) float64 { return math.Log(n) / math.Log(float64(w)) }
	}
	lag := func(r treesim.Result) float64 { return float64(r.RootFinalityLag) }
	var panels []panel
	p1 := panel{title: "ROOT FINALITY LAG (ROUNDS)", ymax: 14}
	p2 := panel{title: "FINALITY TIME IN C (ROUND=(W+1)C)", ymax: 70}
	p3 := panel{title: "MAX HASHES STORED PER CHILD", ymax: 14}
	for _, w := range widths {
		c, wl := colors[w], fmt.Sprintf("W=%d", w)
		p1.series = append(p1.series,
			series{label: wl + " DELAYED", col: c, points: true, f: measured(w, treesim.Delayed, lag)},
			series{label: wl + " SEED D=LOG_W N", col: c, dashed: true, f: logW(w)})
		p2.series = append(p2.series,
			series{label: wl + " MEASURED", col: c, points: true, f: measured(w, treesim.Delayed, func(r treesim.Result) float64 { return float64(r.FinalityC) })},
			series{label: wl + " SEED (W+1)*C*D", col: c, dashed: true, f: func(n float64) float64 { return float64(w+1) * logW(w)(n) }})
		p3.series = append(p3.series,
			series{label: wl + " DELAYED", col: c, points: true, f: measured(w, treesim.Delayed, func(r treesim.Result) float64 { return float64(r.MaxHashesPerChild) })},
			series{label: wl + " SEED O(D)=LOG_W N", col: c, dashed: true, f: logW(w)})
	}
	p1.series = append(p1.series, series{label: "SAME-ROUND (BOTH W)", col: gray, points: true, f: measured(3, treesim.SameRound, lag)})
	p3.series = append(p3.series, series{label: "SAME-ROUND (BOTH W)", col: gray, points: true, f: measured(3, treesim.SameRound, func(r treesim.Result) float64 { return float64(r.MaxHashesPerChild) })})
	panels = append(panels, p1, p2, p3)

	const pw, ph = 480, 460
	img := image.NewRGBA(image.Rect(0, 0, pw*len(panels), ph))
	fill(img, img.Bounds(), color.RGBA{0xff, 0xff, 0xff, 0xff})
	for i, p := range panels {
		drawPanel(img, image.Rect(i*pw, 0, (i+1)*pw, ph), p)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// drawPanel draws axes, ticks, series and legend of p inside r.
func drawPanel(img *image.RGBA, r image.Rectangle, p panel) {
	area := image.Rect(r.Min.X+60, r.Min.Y+40, r.Max.X-20, r.Max.Y-50)
	text(img, r.Min.X+60, r.Min.Y+12, p.title, black, 2)
	toPx := func(lx, y float64) image.Point {
		x := area.Min.X + int((lx-3)/2*float64(area.Dx()))
		return image.Pt(x, area.Max.Y-int(y/p.ymax*float64(area.Dy())))
	}
	line(img, area.Min, image.Pt(area.Min.X, area.Max.Y), black, false, 1)
	line(img, image.Pt(area.Min.X, area.Max.Y), area.Max, black, false, 1)
	for e := 3; e <= 5; e++ {
		pt := toPx(float64(e), 0)
		line(img, pt, image.Pt(pt.X, pt.Y+5), black, false, 1)
		text(img, pt.X-14, pt.Y+10, fmt.Sprintf("1E%d", e), black, 2)
	}
	text(img, area.Min.X+area.Dx()/2-30, area.Max.Y+30, "NODES N", black, 2)
	step := p.ymax / 7
	for y := 0.0; y <= p.ymax+1e-9; y += step {
		pt := toPx(3, y)
		line(img, image.Pt(pt.X-5, pt.Y), pt, black, false, 1)
		line(img, image.Pt(pt.X+1, pt.Y), image.Pt(area.Max.X, pt.Y), color.RGBA{0xe4, 0xe4, 0xe4, 0xff}, false, 1)
		text(img, r.Min.X+8, pt.Y-6, fmt.Sprintf("%3d", int(y)), black, 2)
	}
	for i, s := range p.series {
		drawSeries(img, s, toPx)
		ly := area.Min.Y + 8 + 16*i
		line(img, image.Pt(area.Min.X+10, ly+6), image.Pt(area.Min.X+40, ly+6), s.col, s.dashed, 2)
		text(img, area.Min.X+48, ly, s.label, black, 2)
	}
}

// drawSeries draws measured values as polyline with dots, seed curves densely sampled.
func drawSeries(img *image.RGBA, s series, toPx func(lx, y float64) image.Point) {
	var prev image.Point
	if s.points {
		for i, n := range sizes {
			pt := toPx(math.Log10(float64(n)), s.f(float64(n)))
			if i > 0 {
				line(img, prev, pt, s.col, false, 2)
			}
			fill(img, image.Rect(pt.X-3, pt.Y-3, pt.X+4, pt.Y+4), s.col)
			prev = pt
		}
		return
	}
	for i := 0; i <= 100; i++ {
		lx := 3 + 2*float64(i)/100
		pt := toPx(lx, s.f(math.Pow(10, lx)))
		if i > 0 {
			line(img, prev, pt, s.col, s.dashed && i%4 >= 2, 2)
		}
		prev = pt
	}
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// line draws a thick line (Bresenham); skip leaves it blank (dash gaps).
func line(img *image.RGBA, a, b image.Point, c color.RGBA, skip bool, thick int) {
	if skip {
		return
	}
	dx, dy := abs(b.X-a.X), -abs(b.Y-a.Y)
	sx, sy := sign(b.X-a.X), sign(b.Y-a.Y)
	err := dx + dy
	for x, y := a.X, a.Y; ; {
		fill(img, image.Rect(x-thick/2, y-thick/2, x-thick/2+thick, y-thick/2+thick), c)
		if x == b.X && y == b.Y {
			return
		}
		if e2 := 2 * err; e2 >= dy {
			err += dy
			x += sx
		} else {
			err += dx
			y += sy
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// text draws s with the 5x7 font below, scaled; unknown runes are blank.
func text(img *image.RGBA, x, y int, s string, c color.RGBA, scale int) {
	for _, ch := range strings.ToUpper(s) {
		if g, ok := font[ch]; ok {
			for row, bits := range g {
				for col, b := range bits {
					if b == '#' {
						fill(img, image.Rect(x+col*scale, y+row*scale, x+(col+1)*scale, y+(row+1)*scale), c)
					}
				}
			}
		}
		x += 6 * scale
	}
}

var font = map[rune][7]string{
	'A': {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},
	'B': {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."},
	'C': {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."},
	'D': {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."},
	'E': {"#####", "#....", "#....", "####.", "#....", "#....", "#####"},
	'F': {"#####", "#....", "#....", "####.", "#....", "#....", "#...."},
	'G': {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"},
	'H': {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},
	'I': {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."},
	'J': {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."},
	'K': {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"},
	'L': {"#....", "#....", "#....", "#....", "#....", "#....", "#####"},
	'M': {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"},
	'N': {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"},
	'O': {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."},
	'P': {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."},
	'Q': {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"},
	'R': {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"},
	'S': {".####", "#....", "#....", ".###.", "....#", "....#", "####."},
	'T': {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."},
	'U': {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."},
	'V': {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."},
	'W': {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."},
	'X': {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"},
	'Y': {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."},
	'Z': {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"},
	'0': {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},
	'1': {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."},
	'2': {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},
	'3': {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."},
	'4': {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."},
	'5': {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},
	'6': {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."},
	'7': {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."},
	'8': {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."},
	'9': {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."},
	'.': {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."},
	',': {".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."},
	'(': {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."},
	')': {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."},
	'=': {".....", ".....", "#####", ".....", "#####", ".....", "....."},
	'+': {".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."},
	'-': {".....", ".....", ".....", "#####", ".....", ".....", "....."},
	'/': {".....", "....#", "...#.", "..#..", ".#...", "#....", "....."},
	':': {".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."},
	'*': {".....", ".....", ".....", "..#..", ".....", ".....", "....."},
	'_': {".....", ".....", ".....", ".....", ".....", ".....", "#####"},
}
