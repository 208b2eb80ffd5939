//go:build e2e

package e2e

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

// load1 is the machine's one-minute load average ("?" if unreadable): figures are read with it.
func load1() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// procMiB is a size line of a process's /proc status (VmRSS:, RssAnon:) in MiB (0 if it does
// not run).
func procMiB(pid int, field string) float64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
			kib, _ := strconv.ParseFloat(f[1], 64)
			return kib / 1024
		}
	}
	return 0
}

// duMiB is the disk usage of a directory in MiB (`du -sk`; 0 if unreadable). du exits 1 when a
// file vanishes while it walks (a LevelDB compaction), after printing its total: that total counts.
func duMiB(dir string) float64 {
	out, _ := exec.Command("du", "-sk", dir).Output()
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return 0
	}
	kib, _ := strconv.ParseFloat(f[0], 64)
	return kib / 1024
}

// readAll reads and closes an HTTP response's body.
func readAll(res *http.Response) ([]byte, error) {
	defer res.Body.Close()
	return io.ReadAll(res.Body)
}

// sortedKeys is a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
