package stackcheck

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Stage is one FROM of a Dockerfile.
type Stage struct {
	Name  string // the AS name, lower-cased; "" when unnamed
	Image string // the base image with ARGs expanded
	Line  int
	// Lines are the stage's instructions after FROM, continuation lines joined.
	Lines []string
}

var (
	fromRE = regexp.MustCompile(`(?i)^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$`)
	argRE  = regexp.MustCompile(`(?i)^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?\s*$`)
	varRE  = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
)

// ParseDockerfile reads the stages of a Dockerfile. ARGs declared before the
// first FROM, with their defaults, are expanded in FROM lines, as Docker
// does; an ARG without a default left in a FROM is an error.
func ParseDockerfile(r io.Reader) ([]Stage, error) {
	args := map[string]string{}
	var stages []Stage
	sc := bufio.NewScanner(r)
	lineNo, start := 0, 0
	var buf strings.Builder
	for sc.Scan() {
		lineNo++
		text := strings.TrimSpace(sc.Text())
		if buf.Len() == 0 && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if buf.Len() == 0 {
			start = lineNo
		}
		if strings.HasSuffix(text, `\`) {
			buf.WriteString(strings.TrimSuffix(text, `\`))
			buf.WriteString(" ")
			continue
		}
		buf.WriteString(text)
		inst := strings.Join(strings.Fields(buf.String()), " ")
		buf.Reset()

		if m := fromRE.FindStringSubmatch(inst); m != nil {
			image, err := expand(m[1], args)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", start, err)
			}
			stages = append(stages, Stage{Name: strings.ToLower(m[2]), Image: image, Line: start})
			continue
		}
		if strings.HasPrefix(strings.ToUpper(inst), "FROM ") {
			return nil, fmt.Errorf("line %d: cannot read %q", start, inst)
		}
		if len(stages) == 0 {
			if m := argRE.FindStringSubmatch(inst); m != nil {
				args[m[1]] = m[2]
				continue
			}
			return nil, fmt.Errorf("line %d: %q before the first FROM", start, inst)
		}
		st := &stages[len(stages)-1]
		st.Lines = append(st.Lines, inst)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the Dockerfile: %w", err)
	}
	if buf.Len() > 0 {
		return nil, fmt.Errorf("line %d: the file ends inside a continued line", start)
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("no FROM line")
	}
	return stages, nil
}

func expand(s string, args map[string]string) (string, error) {
	var missing []string
	out := varRE.ReplaceAllStringFunc(s, func(v string) string {
		name := varRE.FindStringSubmatch(v)[1]
		val, ok := args[name]
		if !ok || val == "" {
			missing = append(missing, name)
		}
		return val
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%s uses ARG %s with no default", s, strings.Join(missing, ", "))
	}
	return out, nil
}

// StageNamed returns the stage with that name.
func StageNamed(stages []Stage, name string) (Stage, bool) {
	for _, s := range stages {
		if s.Name == strings.ToLower(name) {
			return s, true
		}
	}
	return Stage{}, false
}

// ImageTag splits an image reference into repository and tag ("" if none).
// A digest (@sha256:...) counts as a pin and is returned as the tag.
func ImageTag(ref string) (repo, tag string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		return ref[:i], ref[i+1:]
	}
	slash := strings.LastIndex(ref, "/")
	if i := strings.LastIndex(ref, ":"); i > slash {
		return ref[:i], ref[i+1:]
	}
	return ref, ""
}

// pinned reports whether a tag names a fixed version: present, not latest,
// and with at least a minor version (`4.1`, `12.4.10`, `1.26.8-bookworm`).
var versionTagRE = regexp.MustCompile(`^v?[0-9]+\.[0-9]+`)

func pinned(tag string) bool {
	if strings.HasPrefix(tag, "sha256:") {
		return true
	}
	return tag != "" && tag != "latest" && versionTagRE.MatchString(tag)
}
