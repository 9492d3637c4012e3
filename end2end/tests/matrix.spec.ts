import ExcelJS from 'exceljs';
import { expect } from '@playwright/test';
import { test, createUser, demoCycle, failingSignIn, hydrated, login, newCycle, submitViaApi, topicCodes, unique } from './helpers';

test.use({ locale: 'en-US' });

test('the reviewer signs in and sees every topic in the matrix and the table', async ({ page, request }) => {
  // Five complete responses (k = 5: fewer would show no figures at all) so that every topic has a
  // position on both axes.
  const cycle = newCycle();
  for (let r = 0; r < 3; r++) await submitViaApi(request, 'INV', (i) => [((i + r) % 5) + 1, ((i + 3) % 5) + 1], cycle);
  for (let r = 0; r < 2; r++) await submitViaApi(request, 'PEER', (i) => [((i + 1) % 5) + 1, ((i + r) % 5) + 1], cycle);

  const matrix = `/cycles/${cycle}/matrix`;
  await page.goto(matrix);
  await expect(page.getByText('Please sign in to see the results.')).toBeVisible();

  await login(page, matrix);
  await expect(page).toHaveURL(new RegExp(`${matrix}$`));
  const svg = page.getByTestId('matrix').locator('svg');
  await expect(svg).toHaveAttribute('role', 'img');
  const labels = await svg.locator('text').allTextContents();
  for (const code of topicCodes) {
    expect(labels.map((l) => l.trim()), code).toContain(code);
  }
  await expect(svg).toContainText('Importance to the business');
  await expect(svg).toContainText('Environmental topics');

  const table = page.getByTestId('stats-table');
  await expect(table.locator('tbody tr')).toHaveCount(17);
  for (const code of topicCodes) {
    await expect(table.getByTestId(`row-${code}`)).toBeVisible();
  }
  await expect(table).toContainText('Green operations');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(matrix);
  await expect(page.getByText('Please sign in to see the results.')).toBeVisible();
});

test('a wrong password is refused with a message, and repeated failures make the account wait', async ({ page }) => {
  // An account of its own: the failures must not lock out the accounts other tests sign in with.
  const { email } = createUser(`wrong-password-${unique()}@example.com`, 'reviewer', 'the right password');
  await page.goto('/login');
  await hydrated(page);
  for (let i = 0; i < 5; i++) {
    failingSignIn();
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(`guess number ${i}`);
    await page.locator('form.login button[type="submit"]').click();
    await expect(page.getByRole('alert')).toHaveText(
      i < 4 ? 'The email or password is not correct.' : 'Too many failed sign-ins. Try again in 30 s.',
    );
  }
});

test('a reviewer creates an API token, a script uses it, and revoking it shuts the script out', async ({ page, request }) => {
  const tokensPage = '/account/tokens';
  await login(page, tokensPage);
  await expect(page).toHaveURL(new RegExp(`${tokensPage}$`));
  await page.getByRole('button', { name: 'Create a token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const rows = page.getByTestId('tokens').locator('tbody tr');
  await expect(rows.first()).toContainText('Active');

  const results = `/api/v1/cycles/${demoCycle()}/results.json`;
  const headers = { Authorization: `Bearer ${token}` };
  expect((await request.get(results, { headers })).status()).toBe(200);

  await rows.first().getByRole('button', { name: 'Revoke' }).click();
  await expect(rows.first()).toContainText('Revoked');
  expect((await request.get(results, { headers })).status()).toBe(401);
});

test('a reviewer filters by group, weights, and downloads the figures shown', async ({ page, request }) => {
  // Five community members (k = 5) all rate E1 business 4, stakeholder 5; one peer and four media
  // answer too, so the peer is pooled with the media in "external" (the anonymity rule's cells).
  const cycle = newCycle();
  for (let i = 0; i < 5; i++) {
    await submitViaApi(request, 'COM', (t) => (t === 0 ? [4, 5] : [(t % 5) + 1, ((t + i) % 5) + 1]), cycle);
  }
  await submitViaApi(request, 'PEER', (t) => [1, (t % 5) + 1], cycle);
  for (let i = 0; i < 4; i++) await submitViaApi(request, 'MED', (t) => [2, ((t + i) % 5) + 1], cycle);
  const matrix = `/cycles/${cycle}/matrix`;
  await login(page, matrix);
  await page.getByTestId('filters').waitFor();

  // One group: only its five answers count.
  await page.getByTestId('filters').locator('select[name="group"]').selectOption('COM');
  await page.getByTestId('filters').getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/group=COM/);
  const e1 = page.getByTestId('stats-table').getByTestId('row-E1');
  // A copied cycle also has a rank-change column.
  const cells = e1.locator('td.num:not(.change)');
  await expect(cells.nth(1)).toHaveText('5'); // business n
  await expect(cells.nth(2)).toHaveText('4.00'); // business mean

  // A group under k is withheld, with the reason.
  await page.getByTestId('filters').locator('select[name="group"]').selectOption('PEER');
  await page.getByTestId('filters').getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('withheld')).toContainText('fewer than k = 5');
  await expect(page.getByTestId('stats-table')).toHaveCount(0);
  // Every page of the result says how many groupings the rule withholds: PEER and MED.
  await expect(page.getByTestId('anonymity-note')).toHaveAttribute('data-withheld', '2');

  // Everyone, weighted; the CSV download holds the numbers of the table.
  await page.getByTestId('filters').locator('select[name="group"]').selectOption('all');
  await page.getByTestId('filters').locator('input[name="weighted"]').check();
  await page.getByTestId('filters').getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/weighted=true/);
  await expect(page.getByText('weighted mean of the groups')).toBeVisible();
  const shown = {
    n: await cells.nth(1).textContent(),
    mean: await cells.nth(2).textContent(),
  };
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  const { readFileSync } = await import('node:fs');
  const csv = readFileSync((await download.path())!, 'utf8');
  const header = csv.replace(/^\uFEFF/, '').split('\r\n')[0].split(',');
  const row = csv.split('\r\n').find((l) => l.includes(',E1,E,'))!.split(',');
  const col = (name: string) => row[header.indexOf(name)];
  expect(col('business_n')).toBe(shown.n);
  expect(Number(col('business_mean')).toFixed(2)).toBe(shown.mean);

  // The workbook: the same numbers (as numbers), the topic list, and anonymised responses.
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
  expect(xlsx.suggestedFilename()).toBe(`results-${cycle}.xlsx`);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await xlsx.path())!);
  const sheet = (name: string) => {
    const ws = book.getWorksheet(name)!;
    const names = (ws.getRow(1).values as string[]).slice(1);
    const rows = ws.getSheetValues().slice(2).filter(Boolean).map((r) => (r as unknown[]).slice(1));
    return { names, rows, col: (row: unknown[], name: string) => row[names.indexOf(name)] };
  };
  const stats = sheet('statistics');
  const statsE1 = stats.rows.find((r) => stats.col(r, 'code') === 'E1')!;
  expect(String(stats.col(statsE1, 'business_n'))).toBe(shown.n);
  expect((stats.col(statsE1, 'business_mean') as number).toFixed(2)).toBe(shown.mean);
  expect(stats.rows.length).toBe(17);
  const topics = sheet('topics');
  expect(topics.rows.length).toBe(17);
  expect(topics.col(topics.rows[0], 'name_en')).toBe('Green operations');
  expect(topics.col(topics.rows[0], 'name_zh')).toBe('绿色运营');
  const responses = sheet('responses');
  expect(responses.names.slice(0, 4)).toEqual(['day', 'group', 'E1_business', 'E1_stakeholder']);
  expect(responses.names.join()).not.toMatch(/token|receipt|comment|time/);
  // The five community answers are there, under their group and with their day (five reach k); the
  // peer's and the media's five answers are there with neither group nor day (withheld groups).
  const community = responses.rows.filter((r) => responses.col(r, 'group') === 'COM');
  expect(community.length).toBe(5);
  for (const r of community) expect(String(responses.col(r, 'day'))).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(community.filter((r) => responses.col(r, 'E1_business') === 4 && responses.col(r, 'E1_stakeholder') === 5).length).toBe(5);
  expect(responses.rows.length).toBe(10);
  const pooled = responses.rows.filter((r) => !responses.col(r, 'group'));
  expect(pooled.length).toBe(5);
  for (const r of pooled) expect(responses.col(r, 'day') ?? '').toBe('');
  expect(shown.n).toBe('10');
});

test('the statistics table sorts by a column, and says so', async ({ page, request }) => {
  // Means that differ from topic to topic, in an order that is not the cycle's.
  const cycle = newCycle();
  for (let r = 0; r < 3; r++) await submitViaApi(request, 'EMP', (i) => [(i % 5) + 1, 3], cycle);
  for (let r = 0; r < 2; r++) await submitViaApi(request, 'CUS', (i) => [((i * 3) % 5) + 1, 3], cycle);
  const matrix = `/cycles/${cycle}/matrix`;
  await login(page, matrix);
  const table = page.getByTestId('stats-table');
  await table.getByRole('link', { name: 'Mean' }).first().click();
  await expect(page).toHaveURL(/sort=business\.mean/);
  await expect(table.locator('th[aria-sort="descending"]')).toHaveCount(1);
  const means = (await table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => r.querySelectorAll('td.num:not(.change)')[2]?.textContent ?? ''),
  )).map((m) => (m === '–' ? -Infinity : Number(m)));
  expect(means.length).toBe(17);
  expect(new Set(means).size, 'the data has means to sort').toBeGreaterThan(3);
  for (let i = 1; i < means.length; i++) expect(means[i - 1]).toBeGreaterThanOrEqual(means[i]);
});
