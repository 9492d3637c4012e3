import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

// The suite runs against the release build that test.sh made, on its own port and database, in
// Debian's Chromium (browsers cannot be downloaded on these machines). The port is E2E_PORT or one the
// system says is free; it and the run's state folder go into the environment once, here, so that the
// server (start-server.sh) and every worker, which loads this file again, use the same.
if (!process.env.E2E_PORT) {
  const freePort =
    "const s = require('net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); })";
  process.env.E2E_PORT = execFileSync(process.execPath, ['-e', freePort]).toString().trim();
}
const port = Number(process.env.E2E_PORT);
process.env.E2E_STATE ??= path.join(__dirname, '.state', String(port));

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: './start-server.sh',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
