import { expect, type Page } from '@playwright/test';
import { test, admin, copyCycle, createUser, hydrated, invite, login, setStatus, unique } from './helpers';

/** Text that runs script wherever it reaches HTML unescaped: it closes a textarea and a script, then
 * sets a flag from an image's error handler and from a script of its own. */
const marker = `xss${unique()}`;
const payload = `</textarea></script><img src=x onerror="window.__xss='img'"><script>window.__xss='script'</script>${marker}`;

/** The server functions whose forms a page shows, by name (`save_topic`), with their paths. */
async function actions(page: Page, url: string): Promise<Record<string, string>> {
  await page.goto(url);
  await hydrated(page);
  const paths = await page.locator('form[action^="/api/"]').evaluateAll((forms) =>
    forms.map((f) => f.getAttribute('action') ?? ''),
  );
  return Object.fromEntries(paths.map((p) => [p.replace(/^\/api\//, '').replace(/\d+$/, ''), p]));
}

/** Calls a server function as the signed-in user, as a script would. */
async function call(page: Page, path: string | undefined, form: Record<string, string> | string) {
  expect(path, 'the page has the form').toBeTruthy();
  const base = new URL(page.url()).origin;
  const res = await page.request.post(path!, {
    headers: {
      Origin: base,
      Accept: 'application/json',
      ...(typeof form === 'string' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(typeof form === 'string' ? { data: form } : { form }),
  });
  const text = await res.text();
  expect(res.status(), `${path}: ${text}`).toBe(200);
  return text;
}

/** Checks that the payload is text on the open page: no script of it ran, and none of its elements
 * exists (the page policy would stop the script from running, so escaping is checked on its own). */
async function expectText(page: Page, url: string) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss), url).toBeUndefined();
  const injected = await page.evaluate(() =>
    [...document.querySelectorAll('img[src="x"]'), ...[...document.scripts].filter((s) => s.text === "window.__xss='script'")].map(
      (e) => e.outerHTML.slice(0, 300),
    ),
  );
  expect(injected, `${url}: elements made from the text`).toEqual([]);
  expect(await page.content(), `${url} shows the text`).toContain(marker);
}

/** Opens a page and checks that the payload is shown as text and that no script of it ran. */
async function expectInert(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
  await page.waitForTimeout(300);
  await expectText(page, url);
}

test('text that looks like HTML is shown as text on every page, and never runs', async ({ page }) => {
  test.setTimeout(180_000);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const code = `X${unique()}`.slice(0, 12);
  await login(page, '/admin/topics', admin);
  // Signed in once the browser has gone on to the page it asked for (the sign-in page has a heading too).
  await page.waitForURL(/\/admin\/topics$/);
  await hydrated(page);

  // Admin: a category, a topic, a group and a cycle with the payload in every free-text field.
  const topics = await actions(page, '/admin/topics');
  await call(page, topics.save_category, {
    'category[code]': `C${code}`,
    'category[name][zh]': payload,
    'category[name][en]': payload,
    'category[colour]': '#cc79a7',
    is_new: 'true',
  });
  await call(page, topics.save_topic, {
    original: '',
    'topic[code]': `T${code}`,
    'topic[category]': 'E',
    'topic[custom_category]': `C${code}`,
    'topic[name_zh]': payload,
    'topic[name_en]': payload,
    'topic[description_zh]': payload,
    'topic[description_en]': payload,
    'topic[active]': 'true',
  });
  const groups = await actions(page, '/admin/groups');
  await call(page, groups.save_group, {
    original: '',
    'group[code]': `G${code}`,
    'group[name_zh]': payload,
    'group[name_en]': payload,
    'group[kind]': 'external',
    'group[affected_by]': '3',
    'group[affects]': '3',
    'group[concerns_zh]': payload,
    'group[concerns_en]': payload,
    'group[channels_zh]': payload,
    'group[channels_en]': payload,
    'group[weight]': '',
  });
  const cycles = await actions(page, '/admin/cycles');
  const created = await call(page, cycles.create_cycle, {
    'cycle[name]': payload,
    'cycle[year]': '2026',
    'cycle[scale]': '1-5',
    'cycle[labels_zh]': Array(5).fill(payload).join('\n'),
    'cycle[labels_en]': Array(5).fill(payload).join('\n'),
    'cycle[opens_on]': '',
    'cycle[closes_on]': '',
    'cycle[k]': '5',
    'cycle[threshold]': '3.5',
    'cycle[threshold_rule]': 'both',
    'cycle[preview_open]': 'true',
  });
  const id = Number(JSON.parse(created));
  const cycle = await actions(page, `/admin/cycles/${id}`);
  await call(page, cycle.set_cycle_topics, `id=${id}&topics[]=T${code}&topics[]=E1`);
  await call(page, cycle.set_cycle_groups, `id=${id}&groups[]=G${code}`);
  setStatus(id, 'open');

  // Respondents: five answers, each with the payload as its comment; the questionnaire shows the
  // topic and group names.
  const link = invite(`G${code}`, id);
  await page.goto(link);
  await page.locator('form.questionnaire[data-ready="true"]').waitFor();
  await expectText(page, link);
  for (let i = 0; i < 5; i++) {
    const token = invite(`G${code}`, id).split('/').pop();
    const answers = [`T${code}`, 'E1'].map((topic) => ({ topic, business: 4, stakeholder: 5, comment: payload }));
    const res = await page.request.post('/api/v1/responses', { data: { token, answers } });
    expect(res.status()).toBe(201);
  }
  setStatus(id, 'closed');

  // Review: a comment, an override's reason and a management note.
  const review = await actions(page, `/cycles/${id}/review`);
  await call(page, review.add_comment, { id: String(id), topic: `T${code}`, body: payload, proposal: '' });
  await call(page, review.set_override, { id: String(id), topic: `T${code}`, decision: 'material', reason: payload });
  const material = await actions(page, `/cycles/${id}/material`);
  await call(page, material.set_note, { id: String(id), topic: `T${code}`, note: payload });

  for (const url of [
    '/admin/topics',
    '/admin/groups',
    '/admin/cycles',
    `/admin/cycles/${id}`,
    `/admin/cycles/${id}/progress`,
    `/cycles/${id}/matrix?lang=en`,
    `/cycles/${id}/matrix?lang=zh-CN`,
    `/cycles/${id}/review`,
    `/cycles/${id}/material`,
    '/admin/audit',
  ]) {
    await expectInert(page, url);
  }
  expect(dialogs).toEqual([]);
});

test('the double-materiality register, ratings and calibrations show such text as text, and it never runs', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const id = copyCycle();
  const expert = createUser(`xss-${unique()}@example.com`.toLowerCase(), 'assessor', 'assessor password');
  await login(page, `/admin/cycles/${id}/register`, admin);
  await page.waitForURL(/\/register$/);
  let register = await actions(page, `/admin/cycles/${id}/register`);
  await call(page, register.set_cycle_method, { id: String(id), method: 'double' });
  register = await actions(page, `/admin/cycles/${id}/register`);
  await call(page, register.load_matter_preset, { id: String(id), preset: 'esrs-2023' });
  register = await actions(page, `/admin/cycles/${id}/register`);
  const iro = await call(
    page,
    register.add_iro,
    new URLSearchParams([
      ['id', String(id)],
      ['iro[matter]', 'E1.1'],
      ['iro[kind]', 'negative_impact'],
      ['iro[occurrence]', 'actual'],
      ['iro[value_chain][]', 'own_operations'],
      ['iro[horizons][]', 'short'],
      ['iro[description_zh]', payload],
      ['iro[description_en]', payload],
      ['iro[source]', 'expert'],
    ]).toString(),
  );
  register = await actions(page, `/admin/cycles/${id}/register`);
  const user = await page
    .locator('select[name="user"] option', { hasText: expert.email })
    .first()
    .getAttribute('value');
  await call(page, register.assign_iro, { id: String(id), iro, user: user! });

  // The assessor's draft rationale; the decision group's calibration reason.
  const context = await browser.newContext();
  const p = await context.newPage();
  await login(p, `/cycles/${id}/assess`, expert);
  await p.waitForURL(/\/assess$/);
  const assess = await actions(p, `/cycles/${id}/assess`);
  await call(p, assess.save_my_rating, {
    id: String(id),
    iro,
    'ratings[0][horizon]': 'short',
    'ratings[0][scale]': '3',
    rationale: payload,
    // A note, and a web link that carries markup: kept, percent-encoded, as a link.
    evidence: `${payload}\nhttps://x.example/"><img src=x onerror="window.__xss='link'">`,
    submit: 'false',
  });
  for (const url of [`/cycles/${id}/assess?lang=en`, `/cycles/${id}/assess?lang=zh-CN`]) await expectInert(p, url);
  const hrefs = await p.locator('[data-testid="evidence"] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  expect(hrefs).toEqual(["https://x.example/%22%3E%3Cimg%20src=x%20onerror=%22window.__xss='link'%22%3E"]);
  await context.close();
  const scores = await actions(page, `/cycles/${id}/assessment`);
  await call(page, scores.calibrate_iro, { id: String(id), iro, score: '3', reason: payload });

  for (const url of [
    `/admin/cycles/${id}/register?lang=en`,
    `/admin/cycles/${id}/register?lang=zh-CN`,
    `/admin/cycles/${id}/register/iros/${iro}?lang=en`,
    `/cycles/${id}/assessment?lang=en`,
    `/cycles/${id}/assessment?lang=zh-CN`,
    // Calibrated to 3, material: the SBM-3 draft lists the description.
    `/cycles/${id}/disclosures?lang=en`,
    `/cycles/${id}/disclosures?lang=zh-CN`,
    '/admin/audit',
  ]) {
    await expectInert(page, url);
  }

  // The import's preview, drawn in the browser: a pasted row whose description is the text.
  await page.goto(`/admin/cycles/${id}/register?lang=en`);
  await hydrated(page);
  const quoted = `"${payload.replaceAll('"', '""')}"`;
  await page.getByTestId('register-text').fill(
    `matter,kind,occurrence,value_chain,horizons,description_zh,description_en,source\nE1.1,risk,current,upstream,short,${quoted},${quoted},expert\n`,
  );
  await page.getByTestId('register-preview').click();
  await expect(page.getByTestId('register-preview-summary')).toContainText('All 1 rows are correct');
  await page.waitForTimeout(300);
  await expectText(page, 'the import preview');
});
