import { expect, type Page } from '@playwright/test';
import { test, admin, copyCycle, createUser, expectAccessible, hydrated, login, unique } from './helpers';

type Iro = {
  matter: string;
  kind: 'negative_impact' | 'positive_impact' | 'risk' | 'opportunity';
  occurrence: 'actual' | 'potential' | 'current' | 'anticipated';
  chain: string[];
  horizons: string[];
  humanRights?: boolean;
  en: string;
  zh: string;
};

/** Adds an IRO with the register's form and waits until its row is there. */
async function addIro(page: Page, iro: Iro) {
  const form = page.getByTestId('iro-form');
  await form.locator('select[name="iro[matter]"]').selectOption(iro.matter);
  await form.locator(`input[name="iro[kind]"][value="${iro.kind}"]`).check();
  await form.locator(`input[name="iro[occurrence]"][value="${iro.occurrence}"]`).check();
  for (const c of iro.chain) await form.locator(`input[name="iro[value_chain][]"][value="${c}"]`).check();
  for (const h of iro.horizons) await form.locator(`input[name="iro[horizons][]"][value="${h}"]`).check();
  if (iro.humanRights) await form.locator('input[name="iro[human_rights]"]').check();
  await form.locator('textarea[name="iro[description_zh]"]').fill(iro.zh);
  await form.locator('textarea[name="iro[description_en]"]').fill(iro.en);
  await form.locator('select[name="iro[source]"]').selectOption('workshop');
  await form.locator('button[type="submit"]').click();
  await expect(page.getByTestId('iros').locator('tr', { hasText: iro.en })).toHaveCount(1);
}

/** On a draft's register page: the double materiality method and the ESRS preset's 120 matters. */
async function doubleRegister(page: Page) {
  await page.getByTestId('method').waitFor();
  await hydrated(page);
  await page.getByTestId('method-form').locator('select').selectOption('double');
  await page.getByTestId('method-form').locator('button').click();
  await expect(page.getByTestId('method')).toHaveAttribute('data-method', 'double');
  await page.getByTestId('preset-form').locator('select').selectOption('esrs-2023');
  await page.getByTestId('preset-form').locator('button').click();
  await expect(page.getByTestId('matters')).toContainText('120 matters');
}

/** The id of the register's row that describes `en`. */
async function iroId(page: Page, en: string): Promise<string> {
  const row = page.getByTestId('iros').locator('tr', { hasText: en });
  return (await row.getAttribute('data-testid'))!.replace('iro-', '');
}

/** Rates one criterion of an assignment's horizon: `value` 1-5, or '' for "can't judge". */
async function rate(page: Page, iro: string, horizon: string, criterion: string, value: string) {
  await page
    .getByTestId(`assignment-${iro}`)
    .locator(`fieldset.horizon[data-horizon="${horizon}"] fieldset[data-criterion="${criterion}"] input[value="${value}"]`)
    .check();
}

test('an admin builds a double-materiality register, two assessors rate it and the scores follow', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const tag = unique();
  // A draft of the caller's own, not yet answered: its method can still change.
  const cycle = copyCycle();
  const ana = createUser(`ana-${tag}@example.com`.toLowerCase(), 'assessor', 'assessor password 1');
  const ben = createUser(`ben-${tag}@example.com`.toLowerCase(), 'assessor', 'assessor password 2');

  await login(page, `/admin/cycles/${cycle}/register`, admin);
  await doubleRegister(page);

  // A matter of the company's own, below E3.1, marked as such; its form is checked by axe open.
  await page.getByTestId('matter-form-box').locator('summary').click();
  const matterForm = page.getByTestId('matter-form');
  await matterForm.locator('select[name="matter[parent]"]').selectOption('E3.1');
  await matterForm.locator('input[name="matter[code]"]').fill('E3.1.X1');
  await matterForm.locator('input[name="matter[name_zh]"]').fill('海水淡化');
  await matterForm.locator('input[name="matter[name_en]"]').fill(`Desalination ${tag}`);
  await matterForm.locator('button[type="submit"]').click();
  await expect(page.getByTestId('matters')).toContainText('121 matters');
  await expect(page.locator('tr[data-matter="E3.1.X1"]')).toContainText(`Desalination ${tag}`);
  await expect(page.locator('tr[data-matter="E3.1.X1"]').getByTestId('entity-specific')).toBeVisible();
  await expectAccessible(page);

  const iros: Iro[] = [
    { matter: 'E1.1', kind: 'negative_impact', occurrence: 'actual', chain: ['own_operations'], horizons: ['short'], en: `Heat stress at the plant ${tag}`, zh: '厂区高温' },
    { matter: 'S1.1', kind: 'negative_impact', occurrence: 'potential', chain: ['upstream'], horizons: ['medium'], humanRights: true, en: `Forced labour at suppliers ${tag}`, zh: '供应商强迫劳动' },
    { matter: 'E1.3', kind: 'positive_impact', occurrence: 'actual', chain: ['downstream'], horizons: ['short'], en: `Efficient products ${tag}`, zh: '高能效产品' },
    { matter: 'E3.1', kind: 'risk', occurrence: 'anticipated', chain: ['own_operations', 'upstream'], horizons: ['long'], en: `Drought stops the plant ${tag}`, zh: '干旱致停产' },
    { matter: 'E1.2', kind: 'opportunity', occurrence: 'current', chain: ['downstream'], horizons: ['short'], en: `Low-carbon demand ${tag}`, zh: '低碳需求' },
    { matter: 'G1.6', kind: 'risk', occurrence: 'current', chain: ['own_operations'], horizons: ['short'], en: `Bribery fines ${tag}`, zh: '贿赂罚款' },
  ];
  for (const iro of iros) await addIro(page, iro);

  // A refused IRO says why beside its field and adds nothing.
  const form = page.getByTestId('iro-form');
  await form.locator('input[name="iro[kind]"][value="risk"]').check();
  await form.locator('input[name="iro[occurrence]"][value="actual"]').check();
  await form.locator('button[type="submit"]').click();
  await expect(form.locator('.field-error').first()).toBeVisible();
  await expect(page.getByTestId('iros').locator('tbody tr')).toHaveCount(iros.length);

  // Each IRO to both assessors.
  const ids: string[] = [];
  for (const iro of iros) ids.push(await iroId(page, iro.en));

  // A typo corrected on the IRO's own page, which shows it as it is and goes back to the register.
  await page.getByTestId(`edit-${ids[2]}`).click();
  const edit = page.getByTestId('iro-edit-form');
  await expect(edit.locator('textarea[name="fields[description_zh]"]')).toHaveValue('高能效产品');
  await expect(edit.locator('input[name="fields[kind]"][value="positive_impact"]')).toBeChecked();
  await hydrated(page);
  await expectAccessible(page);
  await edit.locator('textarea[name="fields[description_zh]"]').fill('节能产品');
  await edit.locator('button[type="submit"]').click();
  await page.waitForURL(/\/register(#iro-\d+)?$/);
  await page.goto(`/admin/cycles/${cycle}/register?lang=zh-CN`);
  await expect(page.getByTestId(`iro-${ids[2]}`)).toContainText('节能产品');
  // The language chosen sticks (a cookie): back to English for the rest.
  await page.goto(`/admin/cycles/${cycle}/register?lang=en`);
  await hydrated(page);
  for (const id of ids) {
    for (const who of [ana, ben]) {
      const assign = page.getByTestId(`assign-${id}`);
      await assign.locator('select[name="user"]').selectOption({ label: `${who.email} (assessor)` });
      await assign.locator('button').click();
      await expect(page.getByTestId(`iro-${id}`)).toContainText(who.email);
    }
  }
  await expectAccessible(page);

  // Both assessors rate in their own browsers: Ana everything, Ben the same but "can't judge" on the
  // drought risk's likelihood and 3 for the products where Ana gives 2.
  const [heat, labour, products, drought, demand, bribery] = ids;
  for (const [who, likelihood, product] of [[ana, '3', '2'], [ben, '', '3']] as const) {
    const context = await browser.newContext();
    const p = await context.newPage();
    await login(p, `/cycles/${cycle}/assess`, who);
    await p.getByTestId(`assignment-${heat}`).waitFor();
    await hydrated(p);
    await expectAccessible(p);
    for (const c of ['scale', 'scope', 'irremediable']) await rate(p, heat, 'short', c, '4');
    for (const c of ['scale', 'scope', 'irremediable']) await rate(p, labour, 'medium', c, '5');
    await rate(p, labour, 'medium', 'likelihood', '1');
    for (const c of ['scale', 'scope']) await rate(p, products, 'short', c, product);
    await rate(p, drought, 'long', 'magnitude', '4');
    await rate(p, drought, 'long', 'likelihood', likelihood);
    await rate(p, demand, 'short', 'magnitude', '3');
    await rate(p, bribery, 'short', 'magnitude', '2');
    // Submitting without a rationale is refused beside the field; a draft keeps the ratings.
    const heatForm = p.getByTestId(`assignment-${heat}`);
    await heatForm.getByRole('button', { name: 'Submit (locks your rating)' }).click();
    await expect(heatForm.locator('.field-error')).toBeVisible();
    for (const id of ids) {
      const a = p.getByTestId(`assignment-${id}`);
      await a.locator('textarea[name="rationale"]').fill(`Site data and interviews ${tag}`);
      if (id === heat) await a.locator('textarea[name="evidence"]').fill(`https://example.com/heat-audit\nSite visit ${tag}`);
      await a.getByRole('button', { name: 'Submit (locks your rating)' }).click();
      await expect(p.getByTestId(`assignment-${id}`).getByTestId('locked')).toBeVisible();
    }
    await p.goto(`/cycles/${cycle}/assess?lang=zh-CN`);
    await expect(p.getByTestId(`assignment-${heat}`)).toContainText('已提交');
    // The evidence stays with the submitted rating: the link as a link, the note as text.
    const evidence = p.getByTestId(`assignment-${heat}`).getByTestId('evidence');
    await expect(evidence.locator('a')).toHaveAttribute('href', 'https://example.com/heat-audit');
    await expect(evidence).toContainText(`Site visit ${tag}`);
    await expectAccessible(p);
    await context.close();
  }

  // The scores, by the formulas: heat (4,4,4) → 4.00 material; forced labour, a potential
  // human-rights impact, 5 whatever its likelihood; products (2.5, 2.5) → 2.50, the grey zone;
  // drought M 4 × L 3 / 5 = 2.40 (Ben's "can't judge" is missing, not low); demand M 3 → 3.00
  // material; bribery M 2 → 2.00.
  await page.goto(`/cycles/${cycle}/assessment`);
  await hydrated(page);
  const score = (id: string) => page.getByTestId(`score-${id}`);
  await expect(score(heat).getByTestId('computed')).toContainText('4.00');
  await expect(score(heat)).toHaveAttribute('data-standing', 'Material');
  await expect(score(labour).getByTestId('computed')).toContainText('5.00');
  await expect(score(products).getByTestId('computed')).toContainText('2.50');
  await expect(score(products)).toHaveAttribute('data-standing', 'GreyZone');
  await expect(page.getByTestId(`decide-${heat}`)).toHaveCount(0);
  await expect(score(drought).getByTestId('computed')).toContainText('2.40');
  await expect(score(demand)).toHaveAttribute('data-standing', 'Material');
  await expect(page.getByTestId('matter-E1')).toHaveAttribute('data-materiality', 'Double');
  // The matrix plots every matter with IROs attached, numbered, with the key beside it.
  const matrix = page.getByTestId('double-matrix');
  for (const m of ['E1.1', 'S1.1', 'E1.3', 'E3.1', 'E1.2', 'G1.6']) {
    await expect(matrix.locator(`g.point[data-matter="${m}"]`)).toHaveCount(1);
  }
  await expect(matrix).toContainText('E1.1 Climate change adaptation');
  // Both heat maps load as images from the server (the page's policy lets them in).
  for (const which of ['impact', 'financial']) {
    const img = page.getByTestId(`heat-${which}`).locator('img');
    await img.scrollIntoViewIfNeeded();
    await expect(img).toHaveJSProperty('complete', true);
    expect(await img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(640);
  }

  // The decision group calibrates the drought risk, with its reason; the matter E3 becomes material.
  const calibrate = page.getByTestId(`calibrate-${drought}`);
  await calibrate.locator('input[name="score"]').fill('3.5');
  await calibrate.getByRole('button').click();
  await expect(calibrate.locator('.field-error')).toBeVisible();
  await calibrate.locator('textarea[name="reason"]').fill(`New water-stress maps ${tag}`);
  await calibrate.getByRole('button').click();
  await expect(score(drought).getByTestId('calibration')).toContainText(`New water-stress maps ${tag}`);
  await expect(score(drought).getByTestId('score')).toHaveText('3.50');
  await expect(score(drought).getByTestId('computed')).toContainText('2.40');
  await expect(page.getByTestId('matter-E3')).toHaveAttribute('data-materiality', 'Financial');

  // The grey-zone products: the one thing still missing before the confirmation. The decision group
  // records its decision, with the reason.
  await expect(page.getByTestId('gaps')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('gaps')).toContainText(`IRO ${products}:`);
  const decide = page.getByTestId(`decide-${products}`);
  await decide.locator('input[name="material"][value="true"]').check();
  await decide.locator('textarea[name="reason"]').fill(`Customers ask for it ${tag}`);
  await decide.getByRole('button').click();
  await expect(score(products)).toHaveAttribute('data-standing', 'Material');
  await expect(score(products).getByTestId('decision')).toContainText(`Customers ask for it ${tag}`);
  await expect(page.getByTestId('matter-E1.3')).toHaveAttribute('data-materiality', 'Impact');
  await expectAccessible(page);

  // The review lists the assessed matters, each with a comment form, in both languages.
  for (const lang of ['zh-CN', 'en']) {
    await page.goto(`/cycles/${cycle}/review?lang=${lang}`);
    await expect(page.getByTestId('review-E3')).toHaveAttribute('data-materiality', 'Financial');
    await expect(page.getByTestId('review-E3').getByTestId('comment-form')).toBeVisible();
    await expectAccessible(page);
  }
  await page.goto(`/cycles/${cycle}/assessment`);

  // Nothing is missing: the admin confirms (the box must be ticked); the page shows the stamp and
  // the scores freeze.
  await expect(page.getByTestId('gaps-none')).toBeVisible();
  const confirm = page.getByTestId('confirm-form');
  await confirm.getByRole('button').click();
  await expect(confirm.locator('.field-error')).toBeVisible();
  await confirm.locator('input[name="confirm"]').check();
  await confirm.getByRole('button').click();
  await expect(page.getByTestId('dm-stamp')).toContainText(`by ${admin.email}`);
  await expect(page.getByTestId('stamp-intact')).toBeVisible();
  await expect(page.getByTestId(`calibrate-${drought}`)).toHaveCount(0);
  await expect(score(drought).getByTestId('score')).toHaveText('3.50');
  await expectAccessible(page);

  // The disclosure drafts hold the same numbers: SBM-3 lists the material IROs (heat 4.00, forced
  // labour 5.00, products by decision, drought calibrated 3.50, demand 3.00; not bribery), IRO-1
  // counts them, and the SBM-3 file says the same.
  await page.getByTestId('disclosures-link').click();
  await page.waitForURL(/\/disclosures$/);
  const sbm3 = page.getByTestId('sbm3');
  await expect(sbm3).toHaveAttribute('data-count', '5');
  await expect(page.getByTestId(`sbm3-${drought}`).getByTestId('score')).toHaveText('3.50');
  await expect(page.getByTestId(`sbm3-${heat}`).getByTestId('score')).toHaveText('4.00');
  await expect(page.getByTestId(`sbm3-${products}`)).toContainText('material by decision');
  await expect(page.getByTestId(`sbm3-${bribery}`)).toHaveCount(0);
  await expect(page.getByTestId('iro1')).toContainText('identified: 6 (negative impacts: 2; positive impacts: 1; risks: 2; opportunities: 1)');
  await expect(page.getByTestId('iro1')).toContainText('(decisions: 1)');
  await expect(page.getByTestId('iro1')).toContainText('(calibrated scores: 1)');
  await expect(page.getByTestId('iro1')).toContainText(`confirmed the assessment on`);
  await expect(page.getByTestId('standards')).toContainText('E3 Water and marine resources');
  const csv = await (await page.request.get(`/api/v1/cycles/${cycle}/sbm3.csv`)).text();
  expect(csv.split('\r\n').filter((l) => l.length > 0)).toHaveLength(1 + 5);
  expect(csv).toContain(`\r\n${drought},E3.`);
  expect(csv.split('\r\n').find((l) => l.startsWith(`${drought},`))).toContain(',3.5000,true,false');
  await expectAccessible(page);
  await page.goto(`/cycles/${cycle}/disclosures?lang=zh-CN`);
  await expect(page.getByTestId('iro1')).toContainText('识别出 6 项影响、风险和机遇');
  await expectAccessible(page);
  await page.goto(`/cycles/${cycle}/assessment?lang=zh-CN`);
  await expect(score(drought).getByTestId('calibration')).toContainText(`由 ${admin.email} 校准为 3.50`);
  await expectAccessible(page);
  await page.goto(`/admin/cycles/${cycle}/register?lang=zh-CN`);
  await expect(page.getByTestId('iros')).toContainText('已提交');
  await expectAccessible(page);
  // The material matters under their standards, with the note form, in both languages.
  for (const lang of ['zh-CN', 'en']) {
    await page.goto(`/cycles/${cycle}/material?lang=${lang}`);
    await expect(page.getByTestId('material-E3')).toHaveAttribute('data-materiality', 'Financial');
    await expect(page.getByTestId('material-E1')).toHaveAttribute('data-materiality', 'Double');
    await expectAccessible(page);
  }
});

test('an admin imports IROs from a file after a preview, all rows or none, and the workbook reads back', async ({ page }) => {
  test.setTimeout(120_000);
  const tag = unique();
  const cycle = copyCycle();
  await login(page, `/admin/cycles/${cycle}/register`, admin);
  await doubleRegister(page);

  const header = 'iro,matter,kind,occurrence,human_rights,value_chain,horizons,description_zh,description_en,source,leads_to';
  const good = [
    `,E1.1,negative_impact,actual,false,own_operations,short,厂区排放,Plant emissions ${tag},expert,`,
    `,E1.1,risk,anticipated,false,"own_operations,upstream","medium,long",碳价上涨,Carbon price ${tag},desk_research,`,
  ];
  const file = page.getByTestId('register-file');
  const upload = (name: string, text: string) =>
    file.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

  // One bad row: the preview names it, and nothing can be imported.
  await upload('bad.csv', [header, ...good, ',X9,threat,actual,false,own_operations,short,甲,A,expert,'].join('\n'));
  await page.getByTestId('register-preview').click();
  await expect(page.getByTestId('register-preview-summary')).toContainText('Rows with problems: 1');
  await expect(page.getByTestId('register-line-4')).toContainText('matter');
  await expect(page.getByTestId('register-import')).toBeDisabled();
  await expectAccessible(page);

  await upload('good.csv', [header, ...good].join('\n'));
  await expect(page.getByTestId('register-preview-rows')).toHaveCount(0);
  await page.getByTestId('register-preview').click();
  await expect(page.getByTestId('register-preview-summary')).toContainText('All 2 rows are correct');
  await page.getByTestId('register-import').click();
  await expect(page.getByTestId('register-imported')).toContainText('IROs added: 2; corrected: 0');
  const iros = page.getByTestId('iros');
  await expect(iros.locator('tr', { hasText: `Plant emissions ${tag}` })).toHaveCount(1);
  await expect(iros.locator('tr', { hasText: `Carbon price ${tag}` })).toHaveCount(1);

  // The register's workbook, uploaded as it was downloaded, changes nothing.
  const xlsx = await page.request.get(`/api/v1/cycles/${cycle}/register.xlsx`);
  expect(xlsx.status()).toBe(200);
  await file.setInputFiles({
    name: 'register.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: await xlsx.body(),
  });
  await page.getByTestId('register-preview').click();
  await expect(page.getByTestId('register-preview-summary')).toContainText('All 2 rows are correct');
  await expect(page.getByTestId('register-preview-rows').locator('tbody tr', { hasText: 'No change' })).toHaveCount(2);
});
