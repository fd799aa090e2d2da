// Package report builds publishable reports of a workspace's frameworks
// (Markdown, self-contained accessible HTML, CSV and JSON) and signs the
// expiring links that let serve hand them out.
package report
