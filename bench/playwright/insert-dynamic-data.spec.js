// Twenty isolated tests of the scenario make bench times on both sides: open the editor on a new document,
// select the heading, focus its Text field, insert Current User › Email through the menu, see the chip.
const { test, expect } = require('@playwright/test');

for (let i = 1; i <= 20; i++) {
  test(`inserts Current User's email into the heading (${i})`, async ({ page }) => {
    await page.goto(`?doc=pw-${Date.now()}-${i}`);
    await expect(page.locator('html')).toHaveAttribute('data-editor-state', 'ready');
    await page.frameLocator('[data-testid="canvas"]').getByTestId('canvas-element-e1').click();
    await expect(page.getByTestId('selected-element-label')).toHaveText('Text e1');
    await page.getByTestId('field-text').click();
    await page.getByTestId('insert-dynamic-data').click();
    await page.getByTestId('dynamic-data-option-current-user').click();
    await page.getByTestId('dynamic-data-option-current-user-email').click();
    await expect(page.getByTestId('field-text').getByTestId('expression-chip')).toHaveCount(1);
    await expect(page.getByTestId('field-text')).toContainText('Current User › Email');
  });
}
