package plugin

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Grafana lets every user who may query a datasource call its resources, so
// the resources check the caller themselves. Reading (topics, drivers, race
// status) is open to all; every resource that writes (any method but GET
// and HEAD: today POST race/start and race/stop) needs the Editor role or
// higher, or the Viewer role when the datasource's viewersControlRace
// setting is on (kiosk demos). Writes are also rate-limited per datasource
// and route, so a stuck button or a script cannot flood the commands topic.

// Grafana's organisation roles, lowest first.
const (
	roleNone   = "None"
	roleViewer = "Viewer"
	roleEditor = "Editor"
	roleAdmin  = "Admin"
)

// writeEvery is the least time between two writes of one route of one
// datasource (one race start per second).
const writeEvery = time.Second

// roleRank orders roles; unknown roles rank with None.
func roleRank(role string) int {
	switch {
	case strings.EqualFold(role, roleAdmin):
		return 3
	case strings.EqualFold(role, roleEditor):
		return 2
	case strings.EqualFold(role, roleViewer):
		return 1
	}
	return 0
}

// roleOf is the user's organisation role, None when Grafana sent none.
func roleOf(user *backend.User) string {
	if user == nil || user.Role == "" {
		return roleNone
	}
	return user.Role
}

// raceControl says whether user may start and stop races, and if not, why.
func (d *Datasource) raceControl(user *backend.User) (bool, string) {
	role := roleOf(user)
	need := roleEditor
	if d.settings.ViewersControlRace {
		need = roleViewer
	}
	if roleRank(role) >= roleRank(need) {
		return true, ""
	}
	msg := fmt.Sprintf("race control needs the %s role or higher in this organisation; you have %s", need, role)
	if need == roleEditor {
		msg += " (an admin may turn on viewersControlRace in the datasource settings to let Viewers start and stop races)"
	}
	return false, msg
}

// guardWrites wraps the resource routes: a write needs race control rights
// (403 naming the role), before anything else is looked at.
func (d *Datasource) guardWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if ok, why := d.raceControl(backend.UserFromContext(r.Context())); !ok {
				writeJSON(w, http.StatusForbidden, map[string]string{"error": why})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// allowWrite books a write of route, or answers 429 (with Retry-After)
// when the last one was less than writeEvery ago. Handlers call it once the
// request is valid, just before they write: a refused body costs nothing.
func (d *Datasource) allowWrite(w http.ResponseWriter, route string) bool {
	wait := d.writes.take(route, time.Now())
	if wait <= 0 {
		return true
	}
	w.Header().Set("Retry-After", fmt.Sprint(int((wait+time.Second-1)/time.Second)))
	writeJSON(w, http.StatusTooManyRequests, map[string]string{
		"error": fmt.Sprintf("%s was sent less than %s ago on this datasource; try again in %s", route, writeEvery, wait.Round(10*time.Millisecond))})
	return false
}

// writeGate allows one write per route per interval.
type writeGate struct {
	every time.Duration
	mu    sync.Mutex
	next  map[string]time.Time
}

func newWriteGate(every time.Duration) *writeGate {
	return &writeGate{every: every, next: map[string]time.Time{}}
}

// take returns 0 and books the route when it is free at now, else how long
// to wait.
func (g *writeGate) take(route string, now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n, ok := g.next[route]; ok && now.Before(n) {
		return n.Sub(now)
	}
	g.next[route] = now.Add(g.every)
	return 0
}
