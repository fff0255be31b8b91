// Package baseline is NOT a real suite. It replays the Insert Dynamic Data specs the way the incident's old
// tests drove the editor: from page script, with element.click() and dispatched events, and with the same
// text assertions as the real specs. It exists for one measurement only — which known regressions such tests
// miss (make regressions prints the table) — and is kept out of make e2e.
//
// Its specs declare the untrusted events they produce (e2e.AllowUntrustedEvents); the real suites never do.
package baseline
