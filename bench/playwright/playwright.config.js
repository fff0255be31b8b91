// Playwright Test configured like the harness: the same Chromium binary, the same flags (headless, hermetic
// network), one isolated context and page per test. BASE_URL and CHROME_BIN come from make bench.
// --disable-features is left to Playwright: Chromium keeps only the last one given, and ours would replace the
// list Playwright needs (measured: the suite takes the same time either way).
const { defineConfig } = require('@playwright/test');

const host = new URL(process.env.BASE_URL || 'http://127.0.0.1:8080/').hostname;

module.exports = defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.js/,
  fullyParallel: true,
  workers: Number(process.env.WORKERS || 1),
  retries: 0,
  reporter: 'line',
  timeout: 30_000,
  use: {
    baseURL: process.env.BASE_URL,
    viewport: { width: 1280, height: 720 },
    trace: 'off',
    screenshot: 'off',
    video: 'off',
    launchOptions: {
      executablePath: process.env.CHROME_BIN || '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
        `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${host} , EXCLUDE 127.0.0.1 , EXCLUDE localhost`,
      ],
    },
  },
});
