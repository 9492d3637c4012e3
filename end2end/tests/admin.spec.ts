import { expect } from '@playwright/test';
import { test, admin, hydrated, login, newCycle, unique } from './helpers';

/** Ten topics new to the library (codes no other run used), one of them (line 5) with a category that
 * does not exist. */
function topicsFile() {
  const tag = unique().slice(-6);
  const codes = Array.from({ length: 10 }, (_, i) => `W${tag}-${i + 1}`);
  const csv = [
    'code,category,name_zh,name_en,description_zh,description_en',
    ...codes.map((c, i) => `${c},${i === 3 ? 'X' : 'S'},议题${c},"Topic ${c}, imported",说明,"A ""quoted"" note"`),
  ].join('\n');
  return { codes, csv };
}

test('an admin sets up a cycle in the browser and sees its first response arrive', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const { codes, csv } = topicsFile();
  const [first, , , fourth, , , , , , last] = codes;
  await login(page, '/admin/topics', admin);
  await page.getByTestId('topics').waitFor();
  await hydrated(page);

  // Import a CSV with one bad row: the preview names the problem and nothing is imported.
  await page.getByTestId('import-file').setInputFiles({ name: 'topics.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('import-text')).toHaveValue(csv);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(page.getByTestId('preview-summary')).toContainText('Rows with problems: 1');
  await expect(page.getByTestId('preview-line-5')).toContainText('Must be E, S or G.');
  await expect(page.getByTestId('import')).toBeDisabled();
  await expect(page.getByTestId(`topic-${first}`)).toHaveCount(0);

  // Fix the row, preview again, import.
  await page.getByTestId('import-text').fill(csv.replace(`${fourth},X,`, `${fourth},S,`));
  await expect(page.getByTestId('import')).toBeDisabled();
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(page.getByTestId('preview-summary')).toContainText('All 10 rows are correct');
  await page.getByTestId('import').click();
  await expect(page.getByTestId('import-done')).toContainText('Topics added: 10');
  await expect(page.getByTestId(`topic-${last}`)).toContainText(`Topic ${last}, imported`);

  // Create a cycle with the ten topics and three groups.
  await page.goto('/admin/cycles');
  await hydrated(page);
  const form = page.getByTestId('cycle-form');
  await form.locator('input[name="cycle[name]"]').fill('2026 assessment (browser test)');
  await form.locator('button[type="submit"]').click();
  await page.waitForURL(/\/admin\/cycles\/\d+$/);
  const cycleUrl = new URL(page.url()).pathname;
  await page.getByTestId('cycle-status').waitFor();
  await hydrated(page);
  await expect(page.getByTestId('cycle-status')).toContainText('Draft');

  const topics = page.getByTestId('cycle-topics');
  for (const c of codes) await topics.locator(`input[value="${c}"]`).check();
  await topics.locator('button[type="submit"]').click();
  await expect(page.locator('h2', { hasText: 'Topics (10)' })).toBeVisible();
  const groups = page.getByTestId('cycle-groups');
  for (const g of ['EMP', 'CUS', 'INV']) await groups.locator(`input[value="${g}"]`).check();
  await groups.locator('button[type="submit"]').click();
  await expect(page.locator('h2', { hasText: 'Stakeholder groups (3)' })).toBeVisible();
  await page.getByTestId('status-open').click();
  await expect(page.getByTestId('cycle-status')).toContainText('Open');

  // Two single-use links for employees, shown once, with a CSV for the mail merge.
  const row = page.getByTestId('links-EMP');
  await row.locator('input[name="count"]').fill('2');
  await row.getByRole('button', { name: 'Make single-use links' }).click();
  const links = page.getByTestId('new-links').locator('code');
  await expect(links).toHaveCount(2);
  const link = (await links.first().textContent())!.trim();
  expect(decodeURIComponent((await page.getByTestId('links-csv').getAttribute('href'))!)).toContain(link);

  // The progress page, open before anyone answers.
  await page.goto(`${cycleUrl}/progress`);
  await hydrated(page);
  const emp = page.getByTestId('progress-EMP');
  await expect(emp.locator('[data-col="invited"]')).toHaveText('2');
  await expect(emp.locator('[data-col="submitted"]')).toHaveText('0');

  // A respondent, in another browser, saves a draft, comes back, and answers.
  const respondent = await browser.newContext();
  const r = await respondent.newPage();
  await r.goto(new URL(link).pathname);
  await r.locator('form.questionnaire[data-ready="true"]').waitFor();
  await expect(r.getByTestId(`topic-${first}`)).toContainText(`Topic ${first}, imported`);
  await r.locator(`input[name="b.${first}"][value="4"]`).check();
  await r.locator(`input[name="s.${first}"][value="5"]`).check();
  await r.getByRole('button', { name: 'Save draft' }).click();
  await expect(r.getByTestId('draft-saved')).toContainText('Draft saved');
  await r.reload();
  await r.locator('form.questionnaire[data-ready="true"]').waitFor();
  await expect(r.locator(`input[name="b.${first}"][value="4"]`)).toBeChecked();
  for (const c of codes.slice(1)) {
    await r.locator(`input[name="b.${c}"][value="3"]`).check();
    await r.locator(`input[name="s.${c}"][value="dk"]`).check();
  }
  await r.locator('form.questionnaire button.primary').click();
  await r.getByTestId('thanks').waitFor();
  await respondent.close();

  // The progress page follows without a reload.
  await expect(emp.locator('[data-col="submitted"]')).toHaveText('1', { timeout: 15_000 });
  await expect(emp.locator('[data-col="opened"]')).toHaveText('1');
  await expect(emp.locator('[data-col="needed"]')).toHaveText('4');

  // Now answered, the cycle's topics and scale are frozen, and it cannot be deleted.
  await page.goto(cycleUrl);
  await expect(page.getByTestId('frozen')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete cycle' })).toHaveCount(0);
});

test('an open link takes answers from many, and each browser only once', async ({ page, browser }) => {
  await login(page, `/admin/cycles/${newCycle()}`, admin);
  await page.getByTestId('links').waitFor();
  await hydrated(page);
  await page.getByTestId('links-MED').getByRole('button', { name: 'Make open link' }).click();
  const link = (await page.getByTestId('new-links').locator('code').first().textContent())!.trim();

  for (let person = 0; person < 2; person++) {
    const ctx = await browser.newContext();
    const r = await ctx.newPage();
    await r.goto(new URL(link).pathname);
    await expect(r.getByTestId('open-link-note')).toBeVisible();
    await expect(r.getByRole('button', { name: 'Save draft' })).toHaveCount(0);
    await r.locator('form.questionnaire[data-ready="true"]').waitFor();
    for (const input of await r.locator('fieldset.scale').all()) {
      await input.locator('input[value="dk"]').check();
    }
    await r.locator('form.questionnaire button.primary').click();
    await r.getByTestId('thanks').waitFor();
    // The same browser comes back: it is told it has answered.
    await r.goto(new URL(link).pathname);
    await expect(r.getByTestId('notice')).toContainText('You have already answered');
    await ctx.close();
  }
  await page.goto(new URL(page.url()).pathname + '/progress');
  await expect(page.getByTestId('progress-MED').locator('[data-col="submitted"]')).toHaveText('2');
});

test('reviewers cannot reach the admin pages', async ({ page }) => {
  await login(page, '/admin/topics');
  await expect(page.getByTestId('notice')).toContainText('administrators');
  await expect(page.getByTestId('topics')).toHaveCount(0);
});

test('an admin adds an own category, renames it and files a topic under it', async ({ page }) => {
  // A category and a topic of its own: the library is shared by every test.
  const code = `C${unique().slice(-6)}`;
  const { codes, csv } = topicsFile();
  const topicCode = codes[0];
  await login(page, '/admin/topics', admin);
  await page.getByTestId('topics').waitFor();
  await hydrated(page);
  await page.getByTestId('import-text').fill(csv.replace(`${codes[3]},X,`, `${codes[3]},S,`));
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.getByTestId('import').click();
  await expect(page.getByTestId(`topic-${topicCode}`)).toBeVisible();
  const form = page.getByTestId('category-form');
  await form.locator('input[name="category[code]"]').fill(code);
  await form.locator('input[name="category[name][zh]"]').fill('经济');
  await form.locator('input[name="category[name][en]"]').fill('Economy');
  await form.locator('input[name="category[colour]"]').fill('#117733');
  await form.getByRole('button', { name: 'Add category' }).click();
  const item = page.getByTestId(`category-${code}`);
  await expect(item).toContainText('#117733');

  await item.getByRole('button', { name: 'Edit' }).click();
  await expect(form.locator('input[name="category[code]"]')).toHaveValue(code);
  await form.locator('input[name="category[name][en]"]').fill('Economic');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(item).toContainText('Economic');

  await page.getByTestId(`topic-${topicCode}`).getByRole('button', { name: 'Edit' }).click();
  const topic = page.getByTestId('topic-form');
  await expect(topic.locator('input[name="topic[code]"]')).toHaveValue(topicCode);
  await topic.locator('select[name="topic[custom_category]"]').selectOption(code);
  await topic.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId(`topic-${topicCode}`)).toContainText('Economic');
});
