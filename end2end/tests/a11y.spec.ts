import { test, admin, expectAccessible, invite, login, newCycle } from './helpers';

for (const locale of ['en-US', 'zh-CN']) {
  test.describe(`accessibility (${locale})`, () => {
    test.use({ locale });

    test('survey page', async ({ page }) => {
      await page.goto(invite('EMP', newCycle()));
      await page.getByTestId('topic-E1').waitFor();
      await expectAccessible(page);
    });

    test('survey page showing errors', async ({ page }) => {
      await page.goto(invite('EMP', newCycle()));
      await page.locator('form.questionnaire button.primary').click();
      await page.locator('#error-summary').waitFor();
      await expectAccessible(page);
    });

    test('login page', async ({ page }) => {
      await page.goto('/login');
      await expectAccessible(page);
    });

    test('API tokens page', async ({ page }) => {
      await login(page, '/account/tokens');
      await page.getByTestId('tokens').waitFor();
      await expectAccessible(page);
    });

    for (const [name, path, testid] of [
      ['topic library', '/admin/topics', 'topics'],
      ['stakeholder groups', '/admin/groups', 'groups'],
      ['cycles', '/admin/cycles', 'cycles'],
      ['one cycle', '/admin/cycles/{cycle}', 'links'],
      ['progress', '/admin/cycles/{cycle}/progress', 'progress'],
      ['review', '/cycles/{cycle}/review', 'review-E1'],
      ['material topics', '/cycles/{cycle}/material', 'standing'],
      ['audit log', '/admin/audit', 'audit'],
    ]) {
      test(`admin page: ${name}`, async ({ page }) => {
        await login(page, path.replace('{cycle}', String(newCycle())), admin);
        await page.getByTestId(testid).waitFor();
        await expectAccessible(page);
      });
    }

    test('users page', async ({ page }) => {
      await login(page, '/admin/users', admin);
      await page.getByTestId('users').waitFor();
      await expectAccessible(page);
    });

    test('matrix page', async ({ page }) => {
      const matrix = `/cycles/${newCycle()}/matrix`;
      await login(page, matrix);
      await page.getByTestId('stats-table').waitFor();
      await expectAccessible(page);
    });
  });
}

