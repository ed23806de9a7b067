import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRestServers } from '../../src/index.js';
import { startRunningJob, type RunningJob } from './running-job.js';

/** Debian's chromium (`apt-get install -y chromium`, in the README's set-up and in CI). */
const CHROMIUM = '/usr/bin/chromium';
// CI installs it; elsewhere a machine without it skips the browser test with a note.
const haveBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';
if (!haveBrowser) console.warn(`dashboard test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let job: RunningJob;
let browser: Browser;
beforeAll(async () => {
  job = await startRunningJob();
  if (haveBrowser) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await job.client.cancel();
  await closeRestServers();
});

describe.skipIf(!haveBrowser)('the web dashboard in a browser', () => {
  it('draws the job graph with live rates, counts records, and takes a savepoint from its button', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${job.url}/`);

    // The graph: one vertex per operator, each with its parallelism and rates.
    await page.waitForSelector('g.vertex[data-name="Drop"] .rates');
    expect(await page.$$eval('g.vertex', (gs) => gs.map((g) => g.getAttribute('data-name')))).toEqual(['Orders', 'Ids', 'Drop']);
    expect(await page.textContent('g.vertex[data-name="Ids"] .parallelism')).toContain('parallelism 1');
    // Page functions are given as source: this file is type-checked without the DOM's types.
    await page.waitForFunction(`/out [1-9][\\d,]*\\/s/.test(document.querySelector('g.vertex[data-name="Orders"] .rates')?.textContent ?? '')`, undefined, {
      timeout: 30_000,
    });

    // The record count rises while the page looks.
    const first = Number(await page.getAttribute('#totals', 'data-records'));
    await page.waitForFunction(`Number(document.getElementById('totals')?.dataset.records) > ${first}`, undefined, { timeout: 30_000 });
    expect(await page.$('#chart .uplot')).not.toBeNull();
    // The updates come as server-sent events (not polling), and the event-time lag has its chart.
    expect(await page.textContent('#live')).toBe('live');
    expect(await page.$('#lag-chart .uplot')).not.toBeNull();

    // A savepoint from the page appears in the checkpoint history.
    await page.click('#savepoint');
    const row = await page.waitForSelector('#checkpoints tbody tr:has(td:text-is("savepoint")):has(td:text-is("COMPLETED"))', { timeout: 30_000 });
    const id = Number(await row.getAttribute('data-id'));
    expect(job.client.checkpoints().find((c) => c.id === id)).toMatchObject({ savepoint: true, status: 'COMPLETED' });
    await page.waitForFunction(`document.getElementById('message')?.textContent?.startsWith('Savepoint completed')`, undefined, { timeout: 30_000 });

    if (process.env.WEIR_DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.WEIR_DASHBOARD_SCREENSHOT });
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('the dashboard files', () => {
  it('are served at / and /web/ (with the libraries from node_modules), other paths are not', async () => {
    const page = await fetch(`${job.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/web/dashboard.js');
    for (const f of ['dashboard.js', 'dashboard.css', 'dagre.min.js', 'uPlot.iife.min.js', 'uPlot.min.css'])
      expect((await fetch(`${job.url}/web/${f}`)).status).toBe(200);
    expect((await fetch(`${job.url}/web/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${job.url}/web/index.ts`)).status).toBe(404);
  });
});

describe('the dashboard behind a token', () => {
  it('serves its files without the token, and the API still asks for it', async () => {
    const guarded = await startRunningJob({ 'rest.port': 0, 'rest.auth.token': 's3cret' });
    try {
      expect((await fetch(`${guarded.url}/`)).status).toBe(200);
      expect((await fetch(`${guarded.url}/web/dashboard.js`)).status).toBe(200);
      expect((await fetch(`${guarded.url}/jobs/overview`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/jobs/overview`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    } finally {
      await guarded.client.cancel();
    }
  }, 60_000);
});
