package stackcheck

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// LoadCompose loads a compose file the way `docker compose` does (compose-go
// is the library Docker Compose itself uses), with paths resolved against the
// file's folder and no variables from this machine's environment.
func LoadCompose(path string) (*types.Project, error) {
	dir := filepath.Dir(path)
	opts, err := cli.NewProjectOptions([]string{path},
		cli.WithWorkingDirectory(dir),
		cli.WithResolvedPaths(true),
		cli.WithEnv(nil),
	)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	return p, nil
}

// Expect is what the compose file must provide, derived from docs/DESIGN.md and the issue.
type Expect struct {
	// Images are the repositories the pulled services must use, by service.
	Images map[string]string
	// Targets are the Dockerfile stages the built services must use, by service.
	Targets map[string]string
	// Healthy lists the services that need a healthcheck.
	Healthy []string
	// DependsHealthy lists, per service, the services it must wait for as healthy.
	DependsHealthy map[string][]string
	// Published are host ports that must map to the same container port, by service.
	Published map[string][]string
}

// DefaultExpect is what Pitwall's stack must look like.
var DefaultExpect = Expect{
	Images: map[string]string{
		"kafka":           "apache/kafka",
		"schema-registry": "confluentinc/cp-schema-registry",
	},
	Targets: map[string]string{"grafana": "grafana", "producer": "producer"},
	Healthy: []string{"kafka", "schema-registry", "grafana"},
	DependsHealthy: map[string][]string{
		"schema-registry": {"kafka"},
		"producer":        {"kafka", "schema-registry"},
		"grafana":         {"kafka", "schema-registry"},
	},
	Published: map[string][]string{"grafana": {"3000"}, "schema-registry": {"8081"}},
}

// CheckCompose checks the services, their images (pinned) or Dockerfile
// targets (which must exist), healthchecks, depends_on conditions and ports.
func CheckCompose(p *types.Project, stages []Stage, want Expect) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	for name, repo := range want.Images {
		svc, ok := p.Services[name]
		if !ok {
			add("service %s is missing", name)
			continue
		}
		r, tag := ImageTag(svc.Image)
		if r != repo {
			add("service %s: image %q is not %s", name, svc.Image, repo)
		}
		if !pinned(tag) {
			add("service %s: image %q is not pinned to a version", name, svc.Image)
		}
	}
	for name, target := range want.Targets {
		svc, ok := p.Services[name]
		if !ok {
			add("service %s is missing", name)
			continue
		}
		if svc.Build == nil {
			add("service %s: must be built from the Dockerfile (target %s)", name, target)
			continue
		}
		if svc.Build.Target != target {
			add("service %s: build target %q, want %q", name, svc.Build.Target, target)
		}
		if _, ok := StageNamed(stages, svc.Build.Target); !ok {
			add("service %s: the Dockerfile has no stage %q", name, svc.Build.Target)
		}
		if df := svc.Build.Dockerfile; df != "" && df != "Dockerfile" {
			add("service %s: builds from %s, not the repository's Dockerfile", name, df)
		}
	}
	for name, svc := range p.Services {
		if svc.Image != "" && svc.Build == nil {
			if _, tag := ImageTag(svc.Image); !pinned(tag) {
				add("service %s: image %q is not pinned to a version", name, svc.Image)
			}
		}
		for dep, cond := range svc.DependsOn {
			target, ok := p.Services[dep]
			if !ok {
				add("service %s depends on %s, which does not exist", name, dep)
				continue
			}
			if cond.Condition == types.ServiceConditionHealthy && !hasHealthcheck(target) {
				add("service %s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
			}
		}
	}
	for _, name := range want.Healthy {
		if svc, ok := p.Services[name]; ok && !hasHealthcheck(svc) {
			add("service %s has no healthcheck", name)
		}
	}
	for name, deps := range want.DependsHealthy {
		svc, ok := p.Services[name]
		if !ok {
			continue
		}
		for _, dep := range deps {
			d, ok := svc.DependsOn[dep]
			if !ok || d.Condition != types.ServiceConditionHealthy {
				add("service %s must wait for %s with condition service_healthy", name, dep)
			}
		}
	}
	for name, svc := range p.Services {
		for _, port := range svc.Ports {
			if port.Published == "" {
				continue
			}
			switch ip := net.ParseIP(port.HostIP); {
			case port.HostIP == "":
				add("service %s publishes port %s on every host interface; publish it on 127.0.0.1 (the README says how to open the stack up on purpose)", name, port.Published)
			case ip == nil || !ip.IsLoopback():
				add("service %s publishes port %s on %s, not on loopback; publish it on 127.0.0.1 (the README says how to open the stack up on purpose)", name, port.Published, port.HostIP)
			}
		}
	}
	for name, ports := range want.Published {
		svc, ok := p.Services[name]
		if !ok {
			continue
		}
		for _, port := range ports {
			if !publishes(svc, port, port) {
				add("service %s does not publish port %s on the host", name, port)
			}
		}
	}
	return errs
}

func hasHealthcheck(svc types.ServiceConfig) bool {
	h := svc.HealthCheck
	return h != nil && !h.Disable && len(h.Test) > 1 && h.Test[0] != "NONE"
}

func publishes(svc types.ServiceConfig, host, container string) bool {
	for _, p := range svc.Ports {
		if p.Published == host && fmt.Sprint(p.Target) == container {
			return true
		}
	}
	return false
}

// Listener is one Kafka listener: a name and an address.
type Listener struct{ Name, Host, Port string }

// parseListeners reads a KAFKA_LISTENERS-style value (NAME://host:port,...).
func parseListeners(v string) (map[string]Listener, error) {
	out := map[string]Listener{}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, addr, ok := strings.Cut(part, "://")
		if !ok {
			return nil, fmt.Errorf("listener %q has no NAME://", part)
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("listener %q: %w", part, err)
		}
		out[name] = Listener{name, host, port}
	}
	return out, nil
}

func env(svc types.ServiceConfig, key string) string {
	if v, ok := svc.Environment[key]; ok && v != nil {
		return *v
	}
	return ""
}

// KafkaAddresses are the addresses the compose Kafka advertises: one for
// containers on the compose network, one for the host.
type KafkaAddresses struct {
	Internal string // e.g. kafka:9092
	External string // e.g. localhost:29092
}

// CheckKafka checks the broker's listeners: KRaft roles, an internal
// listener advertised under the service's own name, and an external one
// advertised on localhost and published on the same host port, so that both a
// container and a producer on the host can reach it.
func CheckKafka(p *types.Project, service string) (KafkaAddresses, []error) {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	var addrs KafkaAddresses
	svc, ok := p.Services[service]
	if !ok {
		add("service %s is missing", service)
		return addrs, errs
	}
	if roles := env(svc, "KAFKA_PROCESS_ROLES"); !sameSet(roles, "broker,controller") {
		add("%s: KAFKA_PROCESS_ROLES is %q; a single KRaft node needs broker,controller", service, roles)
	}
	listeners, err := parseListeners(env(svc, "KAFKA_LISTENERS"))
	if err != nil {
		add("%s: KAFKA_LISTENERS: %v", service, err)
	}
	advertised, err := parseListeners(env(svc, "KAFKA_ADVERTISED_LISTENERS"))
	if err != nil {
		add("%s: KAFKA_ADVERTISED_LISTENERS: %v", service, err)
	}
	protocols := env(svc, "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")
	for name := range advertised {
		if _, ok := listeners[name]; !ok {
			add("%s: advertised listener %s is not in KAFKA_LISTENERS", service, name)
		}
		if !strings.Contains(","+protocols, ","+name+":") {
			add("%s: listener %s has no protocol in KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", service, name)
		}
	}
	for _, a := range advertised {
		switch {
		case a.Host == service:
			addrs.Internal = net.JoinHostPort(a.Host, a.Port)
		case a.Host == "localhost" || a.Host == "127.0.0.1":
			addrs.External = net.JoinHostPort(a.Host, a.Port)
			if l, ok := listeners[a.Name]; ok && !publishes(svc, a.Port, l.Port) {
				add("%s: listener %s is advertised as %s:%s but host port %s is not published to container port %s",
					service, a.Name, a.Host, a.Port, a.Port, l.Port)
			}
		}
	}
	if addrs.Internal == "" {
		add("%s: no listener is advertised as %s:<port> for the other containers", service, service)
	}
	if addrs.External == "" {
		add("%s: no listener is advertised on localhost for a producer on the host", service)
	}
	if inter := env(svc, "KAFKA_INTER_BROKER_LISTENER_NAME"); inter != "" {
		if _, ok := listeners[inter]; !ok {
			add("%s: KAFKA_INTER_BROKER_LISTENER_NAME %s is not a listener", service, inter)
		}
	}
	for _, ctl := range strings.Split(env(svc, "KAFKA_CONTROLLER_LISTENER_NAMES"), ",") {
		if _, ok := listeners[ctl]; !ok {
			add("%s: controller listener %q is not in KAFKA_LISTENERS", service, ctl)
		}
	}
	return addrs, errs
}

func sameSet(a, b string) bool {
	split := func(s string) []string {
		parts := strings.Split(s, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		slices.Sort(parts)
		return parts
	}
	return slices.Equal(split(a), split(b))
}

// flagValue returns the value after flag in a command line ("" if absent).
func flagValue(cmd []string, flag string) string {
	for i, a := range cmd {
		if a == flag && i+1 < len(cmd) {
			return cmd[i+1]
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v
		}
	}
	return ""
}
