import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/paths.ts';

describe('resolvePaths', () => {
  it('uses ~/.config and ~/.local/share when no XDG variables are set', () => {
    const paths = resolvePaths({}, '/home/agent');
    expect(paths.configDir).toBe('/home/agent/.config/hkubectl');
    expect(paths.dataDir).toBe('/home/agent/.local/share/hkubectl');
    expect(paths.configFile).toBe('/home/agent/.config/hkubectl/config.yaml');
    expect(paths.tokenDir).toBe('/home/agent/.config/hkubectl/tokens');
  });

  it('follows XDG_CONFIG_HOME and XDG_DATA_HOME', () => {
    const paths = resolvePaths({ XDG_CONFIG_HOME: '/xdg/conf', XDG_DATA_HOME: '/xdg/data' }, '/home/agent');
    expect(paths.configDir).toBe('/xdg/conf/hkubectl');
    expect(paths.dataDir).toBe('/xdg/data/hkubectl');
  });

  it('ignores relative XDG values, as the spec requires', () => {
    expect(resolvePaths({ XDG_CONFIG_HOME: 'conf' }, '/home/a').configDir).toBe('/home/a/.config/hkubectl');
  });

  it('lets HKUBECTL_CONFIG_DIR and HKUBECTL_DATA_DIR override everything', () => {
    const paths = resolvePaths(
      { XDG_CONFIG_HOME: '/xdg/conf', HKUBECTL_CONFIG_DIR: '/tmp/c', HKUBECTL_DATA_DIR: '/tmp/d' },
      '/home/agent',
    );
    expect(paths).toMatchObject({ configDir: '/tmp/c', dataDir: '/tmp/d', tokenDir: '/tmp/c/tokens' });
  });
});
