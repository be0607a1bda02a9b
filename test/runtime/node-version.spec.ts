describe('runtime', () => {
  it('runs on Node 24 from the node@24 devDependency, not the machine\'s Node 20', () => {
    process.stdout.write(`node ${process.version} at ${process.execPath}\n`);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});
