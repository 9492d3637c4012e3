import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { admin, expectAccessible, hydrated, login, newCycle, SurveyPage, test, unique } from './helpers';

// The run's SMTP server (start-server.sh) keeps every message it accepts here, decoded, one JSON file
// each: this is the recipients' mailbox.
const mailbox = path.join(
  process.env.E2E_STATE ?? path.join(__dirname, '..', '.state', process.env.E2E_PORT ?? '3100'),
  'mail',
);

type Message = { to: string[]; subject: string; text: string; html: string };

function messagesTo(addresses: string[]): Message[] {
  if (!existsSync(mailbox)) return [];
  return readdirSync(mailbox)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(mailbox, f), 'utf8')) as Message)
    .filter((m) => addresses.includes(m.to[0]));
}

async function waitForMessages(addresses: string[], n: number): Promise<Message[]> {
  await expect.poll(() => messagesTo(addresses).length, { timeout: 30_000 }).toBe(n);
  return messagesTo(addresses);
}

function surveyPath(m: Message): string {
  const link = m.text.match(/https?:\/\/\S+\/s\/[A-Za-z0-9_-]{43}/)![0];
  return new URL(link).pathname;
}

async function openMailPage(page: Page, cycle: number) {
  await login(page, `/admin/cycles/${cycle}/mail`, admin);
  await expect(page).toHaveURL(new RegExp(`/admin/cycles/${cycle}/mail$`));
  await hydrated(page);
}

test('an admin e-mails three recipients, one answers, a reminder reaches the other two', async ({ page }) => {
  const cycle = newCycle();
  const id = unique().toLowerCase();
  const [ann, bo, chen] = [`ann-${id}@example.com`, `bo-${id}@example.com`, `chen-${id}@example.com`];
  await openMailPage(page, cycle);

  // One bad row: the preview says which, and nothing is added until it is fixed.
  await page.locator('#list-group').selectOption('EMP');
  await page.locator('#list-text').fill(`${ann},en,Ann\nnot-an-address,zh,Bo\n${chen},zh,陈\n`);
  await page.getByTestId('check-list').click();
  await expect(page.getByTestId('list-line-2')).toContainText('Not an e-mail address');
  await page.getByTestId('add-list').click();
  await expect(page.getByTestId('list-line-2')).toContainText('Not an e-mail address');
  await expect(page.getByTestId('recipients')).toHaveCount(0);
  await page.locator('#list-text').fill(`${ann},en,Ann\n${bo},zh,Bo\n${chen},zh,陈\n`);
  await page.getByTestId('add-list').click();
  await expect(page.getByTestId('recipients-added')).toContainText('3 recipients added');
  await expect(page.getByTestId('recipients')).toContainText(bo);

  // The English invitation, previewed for the sample recipient.
  const form = page.getByTestId('template-invitation-en');
  await form.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('mail-preview')).toContainText('Dear Alex Example,');
  await expect(page.getByTestId('mail-preview')).toContainText('/s/example-link-of-a-test-message');

  await page.getByTestId('send-invitations').click();
  await expect(page.getByTestId('mail-queued')).toContainText('3 messages queued');
  const invitations = await waitForMessages([ann, bo, chen], 3);
  const toAnn = invitations.find((m) => m.to[0] === ann)!;
  const toBo = invitations.find((m) => m.to[0] === bo)!;
  expect(toAnn.text).toContain('Dear Ann,');
  expect(toBo.subject).toContain('诚邀您参与实质性议题调查');

  // Ann answers through her link.
  const survey = new SurveyPage(page);
  await page.goto(surveyPath(toAnn));
  await survey.ready();
  await survey.answerAll();
  await survey.submit();
  await expect(page.getByTestId('thanks')).toBeVisible();

  // A reminder goes to the two others only, each with a new link.
  await openMailPage(page, cycle);
  await page.getByTestId('send-reminders').click();
  await expect(page.getByTestId('mail-queued')).toContainText('2 messages queued');
  const all = await waitForMessages([ann, bo, chen], 5);
  const reminders = all.slice(3);
  expect(reminders.map((m) => m.to[0]).sort()).toEqual([bo, chen].sort());
  const toBoAgain = reminders.find((m) => m.to[0] === bo)!;
  expect(toBoAgain.subject).toContain('提醒');
  expect(surveyPath(toBoAgain)).not.toEqual(surveyPath(toBo));

  // The progress table follows: 3 recipients e-mailed, 1 answered.
  const row = page.getByTestId('mail-EMP');
  await expect(row.locator('[data-col="recipients"]')).toHaveText('3');
  await expect(row.locator('[data-col="emailed"]')).toHaveText('3');
  await expect(row.locator('[data-col="answered"]')).toHaveText('1');
  await expect(page.getByTestId('mail-queue')).toContainText('Sent 5', { timeout: 15_000 });
});

for (const locale of ['en-US', 'zh-CN']) {
  test.describe(`the e-mail page in ${locale}`, () => {
    test.use({ locale });
    test('has no accessibility violations', async ({ page }) => {
      const cycle = newCycle();
      await openMailPage(page, cycle);
      await page.locator('#list-group').selectOption('EMP');
      await page.locator('#list-text').fill(`x-${unique().toLowerCase()}@example.com,en\nbad,en\n`);
      await page.getByTestId('check-list').click();
      await expect(page.getByTestId('list-preview')).toBeVisible();
      await expectAccessible(page);
    });
  });
}
