import { LocalRateGate, limiterSettings } from './rate-gate';

describe('limiterSettings', () => {
  it('spaces requests evenly for budgets of a minute or less', () => {
    expect(limiterSettings({ requests: 600, periodSeconds: 60 }, 0.9)).toMatchObject({ minTime: 60_000 / 540, reservoir: null });
  });

  it('gives an hourly budget a one-minute burst and a refill that keeps any hour within the budget', () => {
    const s = limiterSettings({ requests: 10_000, periodSeconds: 3600 }, 1);
    const refillsPerHour = 3_600_000 / s.reservoirIncreaseInterval!;

    expect(s).toMatchObject({ minTime: 0, reservoir: 166, reservoirIncreaseAmount: 1, reservoirIncreaseMaximum: 166 });
    expect(s.reservoir! + refillsPerHour).toBeLessThanOrEqual(10_000);
    expect(s.reservoir! + refillsPerHour).toBeGreaterThan(9_900);
  });
});

describe('LocalRateGate', () => {
  it('lets a Kandji-sized burst through at once instead of one request every 360 ms', async () => {
    const gate = new LocalRateGate({ requests: 10_000, periodSeconds: 3600 });
    const start = Date.now();
    for (let i = 0; i < 50; i++) await gate.acquire();
    await gate.close();

    expect(Date.now() - start).toBeLessThan(1000);
  });
});
