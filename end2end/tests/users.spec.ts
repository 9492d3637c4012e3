import { expect } from '@playwright/test';
import { test, admin, failingSignIn, login } from './helpers';

test.use({ locale: 'en-US' });

test('an admin adds a reviewer, who can sign in until disabled', async ({ page, browser }) => {
  const email = `new-reviewer-${Date.now()}@example.com`;
  const password = 'a long enough password';
  await login(page, '/admin/users', admin);
  await expect(page).toHaveURL(/\/admin\/users$/);

  const form = page.locator('form.add-user');
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill('short');
  await form.getByRole('button', { name: 'Add a user' }).click();
  await expect(form.getByRole('alert')).toHaveText('The password must have at least 10 characters.');

  await form.locator('input[name="password"]').fill(password);
  await form.getByRole('button', { name: 'Add a user' }).click();
  const row = page.getByTestId(`user-${email}`);
  await expect(row).toContainText('Reviewer');
  await expect(row).toContainText('Active');

  const signIn = async () => {
    const other = await browser.newContext({ locale: 'en-US' });
    const p = await other.newPage();
    await login(p, '/account/tokens', { email, password });
    return { other, p };
  };
  let { other, p } = await signIn();
  await expect(p).toHaveURL(/\/account\/tokens$/);
  await other.close();

  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled');
  failingSignIn();
  ({ other, p } = await signIn());
  await expect(p.getByRole('alert')).toHaveText('The email or password is not correct.');
  await other.close();
});

test('a reviewer may not manage users', async ({ page }) => {
  await login(page, '/admin/users');
  await expect(page.getByText('This page is for administrators only.')).toBeVisible();
  await expect(page.getByTestId('users')).toHaveCount(0);
});
