// The minimal scenario on bench/minimal's page, as many isolated tests as BENCH_SPECS says (20 by default):
// open the page, click the field, type three characters, click Insert, pick an entry, see one chip.
const { test, expect } = require('@playwright/test');

const count = Number(process.env.BENCH_SPECS || 20);

for (let i = 1; i <= count; i++) {
  test(`inserts a chip after typed text (${i})`, async ({ page }) => {
    await page.goto(`?spec=${i}`);
    const field = page.getByTestId('field');
    await field.click();
    await field.pressSequentially('abc');
    await page.getByTestId('insert').click();
    await page.getByTestId('option-user').click();
    await expect(field.getByTestId('chip')).toHaveCount(1);
    await expect(field).toContainText('abc');
  });
}
