import { nextPageSize, PAGE_TEXT_BYTES } from './page-size';

describe('nextPageSize', () => {
  it('keeps full pages of small events', () => {
    expect(nextPageSize(500 * 520, 500, 500)).toBe(500);
  });

  it('shrinks pages of large events to about PAGE_TEXT_BYTES of text', () => {
    const size = nextPageSize(500 * 70_000, 500, 500);
    expect(size).toBe(Math.floor(PAGE_TEXT_BYTES / 70_000));
    expect(size * 70_000).toBeLessThanOrEqual(PAGE_TEXT_BYTES);
  });

  it('grows back when the events get small again, up to the maximum', () => {
    expect(nextPageSize(59 * 500, 59, 500)).toBe(500);
  });

  it('reads at least one event, however large', () => {
    expect(nextPageSize(2 * PAGE_TEXT_BYTES, 1, 500)).toBe(1);
  });

  it('keeps the maximum for events without text', () => {
    expect(nextPageSize(0, 10, 500)).toBe(500);
  });
});
