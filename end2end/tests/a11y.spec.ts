import { test } from '@playwright/test';
import { admin, cycleId, expectAccessible, invite, login } from './helpers';

for (const locale of ['en-US', 'zh-CN']) {
  test.describe(`accessibility (${locale})`, () => {
    test.use({ locale });

    test('survey page', async ({ page }) => {
      await page.goto(invite('EMP'));
      await page.getByTestId('topic-E1').waitFor();
      await expectAccessible(page);
    });

    test('survey page showing errors', async ({ page }) => {
      await page.goto(invite('EMP'));
      await page.locator('form.questionnaire button[type="submit"]').click();
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

    test('users page', async ({ page }) => {
      await login(page, '/admin/users', admin);
      await page.getByTestId('users').waitFor();
      await expectAccessible(page);
    });

    test('matrix page', async ({ page }) => {
      const matrix = `/cycles/${cycleId()}/matrix`;
      await login(page, matrix);
      await page.getByTestId('stats-table').waitFor();
      await expectAccessible(page);
    });
  });
}

