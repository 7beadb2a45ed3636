package fuzzrun

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/internal/gotests"
)

// Target is one fuzz function and the package directory holding it.
type Target struct {
	Dir  string // relative to the repository root, e.g. pkg/codec
	Name string // e.g. FuzzJSONFlatten
}

// Result is what one target did.
type Result struct {
	Target
	Execs   int64
	Elapsed time.Duration
	Err     error
	Crasher string // path of the failing input go test wrote, if any
}

var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz\w+)\(\w+ \*testing\.F\)`)

// Find lists the fuzz targets under root, sorted, skipping node_modules,
// dist and hidden directories.
func Find(root string) ([]Target, error) {
	var out []Target
	err := gotests.Walk(root, func(dir string, src []byte) error {
		for _, m := range fuzzFunc.FindAllSubmatch(src, -1) {
			out = append(out, Target{Dir: dir, Name: string(m[1])})
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Dir != out[j].Dir {
			return out[i].Dir < out[j].Dir
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

// Options of Run, from the environment (see FromEnv).
type Options struct {
	FuzzTime time.Duration // per target
	Filter   *regexp.Regexp
	Parallel int // go test -parallel (fuzz workers); 0: go's default
}

// FromEnv reads PITWALL_FUZZTIME (per target, default 30s),
// PITWALL_FUZZ (a regexp of target names, default all) and
// PITWALL_FUZZPARALLEL (fuzz workers, default GOMAXPROCS).
func FromEnv(getenv func(string) string) (Options, error) {
	o := Options{FuzzTime: 30 * time.Second}
	if v := getenv("PITWALL_FUZZTIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return o, fmt.Errorf("PITWALL_FUZZTIME=%q is not a positive duration such as 30s or 2m", v)
		}
		o.FuzzTime = d
	}
	if v := getenv("PITWALL_FUZZ"); v != "" {
		re, err := regexp.Compile(v)
		if err != nil {
			return o, fmt.Errorf("PITWALL_FUZZ=%q is not a regexp: %w", v, err)
		}
		o.Filter = re
	}
	if v := getenv("PITWALL_FUZZPARALLEL"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return o, fmt.Errorf("PITWALL_FUZZPARALLEL=%q is not a positive number", v)
		}
		o.Parallel = n
	}
	return o, nil
}

var (
	execsRe   = regexp.MustCompile(`fuzz: elapsed: \S+, execs: (\d+)`)
	crasherRe = regexp.MustCompile(`Failing input written to (\S+)`)
)

// parse reads go test -fuzz output: the last exec count and the crasher.
func parse(out []byte) (execs int64, crasher string) {
	for _, m := range execsRe.FindAllSubmatch(out, -1) {
		execs, _ = strconv.ParseInt(string(m[1]), 10, 64)
	}
	if m := crasherRe.FindSubmatch(out); m != nil {
		crasher = string(m[1])
	}
	return execs, crasher
}

// Run fuzzes each target under root in turn for o.FuzzTime and writes
// progress and a summary to w. It returns the results and an error if any
// target failed.
func Run(root string, o Options, w io.Writer) ([]Result, error) {
	targets, err := Find(root)
	if err != nil {
		return nil, fmt.Errorf("finding fuzz targets: %w", err)
	}
	var results []Result
	for _, t := range targets {
		if o.Filter != nil && !o.Filter.MatchString(t.Name) {
			continue
		}
		fmt.Fprintf(w, "=== %s (./%s) for %s\n", t.Name, t.Dir, o.FuzzTime)
		results = append(results, runOne(root, t, o, w))
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("no fuzz target matches")
	}
	var total int64
	var failed []string
	fmt.Fprintln(w, "\nfuzz summary:")
	for _, r := range results {
		status := "ok"
		if r.Err != nil {
			status = "FAIL: " + r.Err.Error()
			failed = append(failed, r.Name)
		}
		total += r.Execs
		fmt.Fprintf(w, "  %-22s %-22s %12d execs in %-8s %s\n", r.Name, "./"+r.Dir, r.Execs, r.Elapsed.Round(time.Second), status)
	}
	fmt.Fprintf(w, "  total: %d execs over %d targets\n", total, len(results))
	if len(failed) > 0 {
		return results, fmt.Errorf("fuzz targets failed: %s (crashing inputs are in their testdata/fuzz directories)", strings.Join(failed, ", "))
	}
	return results, nil
}

func runOne(root string, t Target, o Options, w io.Writer) Result {
	args := []string{"test", "-run", "^$", "-fuzz", "^" + t.Name + "$", "-fuzztime", o.FuzzTime.String()}
	if o.Parallel > 0 {
		args = append(args, "-parallel", strconv.Itoa(o.Parallel))
	}
	args = append(args, "./"+t.Dir)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	var out bytes.Buffer
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Show go's progress and failure lines, not the code's own logging.
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if !strings.HasPrefix(line, "{") {
				fmt.Fprintln(w, "  "+line)
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	err := cmd.Run()
	pw.Close()
	<-done
	r := Result{Target: t, Elapsed: time.Since(start)}
	r.Execs, r.Crasher = parse(out.Bytes())
	if err != nil {
		r.Err = err
		if r.Crasher != "" {
			r.Err = fmt.Errorf("%w; crashing input: %s", err, filepath.Join(t.Dir, r.Crasher))
		}
	}
	return r
}
