// Package stackcheck checks the files that make up the Docker stack and the
// Grafana provisioning (docker-compose.yml, Dockerfile, provisioning/,
// dashboards/) against each other and against docs/DESIGN.md, since no Docker
// engine runs where the tests do. Each check returns every problem it finds.
//
// It imports nothing of the project: it reads the files as they are
// (compose-go for docker-compose.yml), not the code that uses them.
package stackcheck
