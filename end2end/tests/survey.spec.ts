import { expect } from '@playwright/test';
import { test, SurveyPage, invite, newCycle, topicCodes } from './helpers';

// A cycle of this file's own: its answers reach no other test's figures.
let cycle: number;
test.beforeAll(() => {
  cycle = newCycle();
});

test.describe('in English', () => {
  test.use({ locale: 'en-US' });

  test('a respondent completes the survey', async ({ page }) => {
    await page.goto(invite('CUS', cycle));
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Stakeholder survey on ESG topics');
    await expect(page.getByText('Customers', { exact: true })).toBeVisible();
    const survey = new SurveyPage(page);
    await survey.ready();
    // Every topic of the cycle, in the cycle's order.
    const shown = await page.locator('li.topic').evaluateAll((items) => items.map((li) => li.getAttribute('data-testid')));
    expect(shown).toEqual(topicCodes.map((c) => `topic-${c}`));
    await expect(survey.topic('S1')).toContainText('Data security and privacy protection');
    await expect(page.getByTestId('progress')).toHaveText('0 of 17 topics answered');
    await survey.answerAll();
    await expect(page.getByTestId('progress')).toHaveText('17 of 17 topics answered');
    await survey.topic('E1').getByLabel('Comment (optional)').fill('Please report Scope 3 emissions.');
    await survey.submit();
    await expect(page.getByTestId('thanks')).toContainText('Your answers have been saved');
    await expect(page.getByTestId('thanks')).toContainText(/Receipt number: [0-9a-f]{16}/);
  });

  test('a missing answer is shown next to its topic and the other answers stay', async ({ page }) => {
    const link = invite('SUP', cycle);
    await page.goto(link);
    const survey = new SurveyPage(page);
    await survey.ready();
    await survey.answerAll(['S4']);
    await survey.topic('S4').locator('input[name="b.S4"][value="2"]').check();
    await expect(page.getByTestId('progress')).toHaveText('16 of 17 topics answered');
    await survey.submit();

    await expect(page.locator('#error-summary')).toBeVisible();
    // Focus moves to the summary, so keyboard and screen-reader users hear what went wrong.
    await expect(page.locator('#error-summary')).toBeFocused();
    await expect(survey.topic('S4').locator('.field-error')).toHaveText(
      `Importance to stakeholders: Please choose a point on the scale or "Don't know".`,
    );
    await expect(survey.topic('S3').locator('.field-error')).toHaveCount(0);
    // Nothing was lost: earlier answers are still chosen.
    await expect(survey.topic('E1').locator('input[name="b.E1"][value="1"]')).toBeChecked();
    await expect(survey.topic('S4').locator('input[name="b.S4"][value="2"]')).toBeChecked();
    await expect(page).toHaveURL(new RegExp(`${link}$`));

    await survey.topic('S4').locator('input[name="s.S4"][value="4"]').check();
    await survey.submit();
    await expect(page.getByTestId('thanks')).toBeVisible();

    // The link is now used up.
    await page.goto(link);
    await expect(page.getByTestId('notice')).toContainText('This survey link has already been used');
  });

  test('an unknown link gets a clear page', async ({ page }) => {
    await page.goto('/s/' + 'x'.repeat(43));
    await expect(page.getByTestId('notice')).toContainText('This survey link is not valid');
    await expect(page.locator('form.questionnaire')).toHaveCount(0);
  });
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('a respondent completes the survey', async ({ page }) => {
    await page.goto(invite('GOV', cycle));
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('ESG议题利益相关方调研问卷');
    await expect(page.getByText('政府/监管机构')).toBeVisible();
    const survey = new SurveyPage(page);
    await survey.ready();
    await expect(survey.topic('G4')).toContainText('商业道德与反贪腐');
    await expect(survey.topic('G4')).toContainText('不清楚');
    await survey.answerAll();
    await expect(page.getByTestId('progress')).toHaveText('已回答 17 / 17 项议题');
    await survey.submit();
    await expect(page.getByTestId('thanks')).toContainText('您的回答已保存');
  });

  test('the page switches language on request', async ({ page }) => {
    const link = invite('MED', cycle);
    await page.goto(link);
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Stakeholder survey on ESG topics');
    await page.getByRole('link', { name: '中文' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('ESG议题利益相关方调研问卷');
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, locale: 'en-US' });

  test('the survey completes with a plain form post', async ({ page }) => {
    await page.goto(invite('COM', cycle));
    const survey = new SurveyPage(page);
    // First without one answer: the server answers with the page, the message and the answers kept.
    await survey.answerAll(['G5']);
    await survey.submit();
    await expect(survey.topic('G5').locator('.field-error').first()).toContainText('Please choose a point');
    await expect(survey.topic('E2').locator('input[name="b.E2"][value="2"]')).toBeChecked();
    await survey.rate('G5', '5', '5');
    await survey.submit();
    await expect(page.getByTestId('thanks')).toContainText('Your answers have been saved');
  });
});
