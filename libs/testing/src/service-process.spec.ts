import { freePort } from './service-process';

describe('freePort', () => {
  it('never hands out the same port twice, even to calls made before any of them is bound', async () => {
    // 400 picks from the kernel's ~28,000 ephemeral ports repeat one almost surely (birthday
    // bound); a test harness that starts ten services plus their management listeners must
    // never give two of them the same port
    // one after another, as the harness picks a service's port and later its management port
    const ports: number[] = [];
    for (let i = 0; i < 400; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const p of ports) expect(p).toBeGreaterThan(0);
  });
});
