import { test, expect } from '@playwright/test';
import { cycleId, login, submitViaApi, topicCodes } from './helpers';

test.use({ locale: 'en-US' });

test('the reviewer signs in and sees every topic in the matrix and the table', async ({ page, request }) => {
  // Two complete responses so that every topic has a position on both axes.
  await submitViaApi(request, 'INV', (i) => [(i % 5) + 1, ((i + 3) % 5) + 1]);
  await submitViaApi(request, 'PEER', (i) => [((i + 1) % 5) + 1, (i % 5) + 1]);

  const matrix = `/cycles/${cycleId()}/matrix`;
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

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/login');
  await page.locator('input[name="email"]').fill('reviewer@example.com');
  await page.locator('input[name="password"]').fill('not the password');
  await page.locator('form.login button[type="submit"]').click();
  await expect(page.getByRole('alert')).toHaveText('The email or password is not correct.');
});

test('repeated failures make the account wait, with the time in the message', async ({ page }) => {
  await page.goto('/login');
  const email = `nobody-${Date.now()}@example.com`;
  for (let i = 0; i < 5; i++) {
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

  const results = `/api/v1/cycles/${cycleId()}/results.json`;
  const headers = { Authorization: `Bearer ${token}` };
  expect((await request.get(results, { headers })).status()).toBe(200);

  await rows.first().getByRole('button', { name: 'Revoke' }).click();
  await expect(rows.first()).toContainText('Revoked');
  expect((await request.get(results, { headers })).status()).toBe(401);
});
