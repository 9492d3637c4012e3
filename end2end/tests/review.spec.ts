import { expect, type Page } from '@playwright/test';
import { test, admin, createUser, demoCycle, expectAccessible, hydrated, login, reviewer, submitViaApi, topicCodes, unique } from './helpers';

/** Signs `who` in, in a browser of their own, on the review page of cycle `id`. */
async function reviewAs(browser: import('@playwright/test').Browser, who: { email: string; password: string }, id: number) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, `/cycles/${id}/review`, who);
  await page.getByTestId('review-E1').waitFor();
  await hydrated(page);
  return { ctx, page };
}

async function comment(page: Page, code: string, text: string, proposal: string) {
  const form = page.getByTestId(`review-${code}`).getByTestId('comment-form');
  await form.locator('textarea[name="body"]').fill(text);
  await form.locator('select[name="proposal"]').selectOption(proposal);
  await form.getByRole('button', { name: 'Add comment' }).click();
}

test('two reviewers comment, an admin overrides with a reason and confirms, and the exports say so', async ({ page, browser }) => {
  test.setTimeout(180_000);
  // A cycle of its own (the demo cycle stays open for the other tests): a copy, opened, answered by
  // five employees who rate everything important, then closed for review.
  await login(page, '/admin/cycles', admin);
  await page.getByTestId('cycles').waitFor();
  await hydrated(page);
  await page.getByTestId(`cycle-${demoCycle()}`).getByRole('button', { name: 'Copy for next year' }).click();
  await page.waitForURL(/\/admin\/cycles\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await page.getByTestId('cycle-status').waitFor();
  await hydrated(page);
  await page.getByTestId('status-open').click();
  await expect(page.getByTestId('cycle-status')).toContainText('Open');
  for (let p = 0; p < 5; p++) await submitViaApi(page.request, 'EMP', () => [4, 4 + (p % 2)], id);
  await page.reload();
  await hydrated(page);
  await page.getByTestId('status-closed').click();
  await expect(page.getByTestId('cycle-status')).toContainText('Closed');

  // Two reviewers comment on E1, each seeing the other's comment.
  const first = await reviewAs(browser, reviewer, id);
  await expect(first.page.getByTestId('standing')).toContainText('Provisional');
  await comment(first.page, 'E1', 'Customers rarely raise it; covered by S2.', 'not_material');
  await expect(first.page.getByTestId('review-E1').getByTestId('comment')).toHaveCount(1);
  const secondEmail = `second.reviewer-${unique()}@example.com`.toLowerCase();
  const second = await reviewAs(browser, createUser(secondEmail, 'reviewer', 'second reviewer password'), id);
  const e1 = second.page.getByTestId('review-E1');
  await expect(e1.getByTestId('comment')).toContainText('Customers rarely raise it');
  await comment(second.page, 'E1', 'Agreed: fold it into S2.', 'not_material');
  await expect(e1.getByTestId('comment')).toHaveCount(2);
  await expect(e1.getByTestId('comment').nth(1)).toContainText(secondEmail);
  // Reviewers may not override or confirm: the forms are not there for them.
  await expect(second.page.getByTestId('override-form')).toHaveCount(0);
  await expect(second.page.getByTestId('confirm-form')).toHaveCount(0);

  // The admin overrides E1 (a reason is required) and confirms (the box must be ticked).
  await page.goto(`/cycles/${id}/review`);
  await page.getByTestId('review-E1').waitFor();
  await hydrated(page);
  const topic = page.getByTestId('review-E1');
  await expect(topic.getByTestId('comment')).toHaveCount(2);
  await expectAccessible(page); // with every form an admin sees
  await expect(topic.getByTestId('decision')).toHaveText('material');
  const override = topic.getByTestId('override-form');
  await override.locator('input[value="not_material"]').check();
  await override.getByRole('button', { name: 'Save override' }).click();
  await expect(override.getByRole('alert')).toContainText('Required');
  await override.locator('textarea[name="reason"]').fill('Covered by S2 as both reviewers propose.');
  await override.getByRole('button', { name: 'Save override' }).click();
  await expect(topic.getByTestId('decision')).toHaveText('not material');
  await expect(topic.getByTestId('override')).toContainText('Covered by S2 as both reviewers propose.');
  const confirm = page.getByTestId('confirm-form');
  await confirm.getByRole('button', { name: 'Confirm result' }).click();
  await expect(confirm.getByRole('alert')).toBeVisible();
  await confirm.locator('input[name="confirm"]').check();
  await confirm.getByRole('button', { name: 'Confirm result' }).click();
  await expect(page.getByTestId('standing')).toContainText('Confirmed on');
  await expect(page.getByTestId('stamp-intact')).toBeVisible();
  await expect(page.getByTestId('confirm-form')).toHaveCount(0);
  await expect(page.getByTestId('not-in-review')).toBeVisible();

  // The exports say "confirmed", with the stamp, and list the override.
  const csv = await (await page.request.get(`/api/v1/cycles/${id}/results.csv`)).text();
  const [head, ...rows] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
  const header = head.split(',');
  const e1row = rows.map((r) => r.split(',')).find((r) => r[header.indexOf('code')] === 'E1')!;
  expect(e1row[header.indexOf('standing')]).toBe('confirmed');
  expect(e1row[header.indexOf('confirmed_by')]).toBe(admin.email);
  expect(e1row[header.indexOf('material')]).toBe('false');
  expect(e1row[header.indexOf('computed_material')]).toBe('true');
  expect(csv).toContain('Covered by S2');
  const json = await (await page.request.get(`/api/v1/cycles/${id}/results.json`)).json();
  expect(json.cycle.status).toBe('confirmed');
  expect(json.confirmation.methodology.weights.EMP).toBeGreaterThan(0);
  expect(json.topics.find((t: { code: string }) => t.code === 'E1').override.reason).toContain('Covered by S2');
  const svg = await (await page.request.get(`/api/v1/cycles/${id}/matrix.svg`)).text();
  expect(svg).toContain('Confirmed');
  expect(svg).toContain('E1*');

  // The material-topic list: E1 is gone, the others are ranked by category, with a note.
  await page.goto(`/cycles/${id}/material`);
  await page.getByTestId('material-E2').waitFor();
  await hydrated(page);
  await expect(page.getByTestId('material-E1')).toHaveCount(0);
  await expectAccessible(page);
  const note = page.getByTestId('material-E2').getByTestId('note-form');
  await note.locator('textarea[name="note"]').fill('Energy policy, yearly targets, audited by the board.');
  await note.getByRole('button', { name: 'Save note' }).click();
  await expect(page.getByTestId('material-E2').getByTestId('note')).toContainText('Energy policy');
  const list = await (await page.request.get(`/api/v1/cycles/${id}/material.csv`)).text();
  expect(list).toContain('Energy policy, yearly targets');
  expect(list).not.toContain(',E1,');
  expect(list.trim().split('\r\n')).toHaveLength(topicCodes.length); // header + 16 material topics

  // The matrix page marks the override; reviewers can no longer comment.
  await page.goto(`/cycles/${id}/matrix`);
  await expect(page.getByTestId('row-E1')).toContainText('overridden');
  await expect(page.getByTestId('standing')).toHaveAttribute('data-standing', 'confirmed');
  await first.page.reload();
  await expect(first.page.getByTestId('not-in-review')).toBeVisible();
  await expect(first.page.getByTestId('comment-form')).toHaveCount(0);

  // Every step is on the audit log, whose chain holds.
  // This cycle's review entries (the subject filter matches whole words: "cycle 12" is not "cycle 123").
  await page.goto(`/admin/audit?action=review&subject=${encodeURIComponent(`cycle ${id}`)}`);
  await hydrated(page);
  await expect(page.getByTestId('audit-entry')).toHaveCount(3);
  await expect(page.getByTestId('chain')).toContainText('Chain intact');
  await page.getByTestId('verify').click();
  await expect(page.getByTestId('verified')).toContainText('Chain intact');
  await page.goto(`/admin/audit?subject=cycle+${id}`);
  await expect(page.getByTestId('audit')).toContainText('cycle.confirm');
  await first.ctx.close();
  await second.ctx.close();
});
