import { describe, expect, it } from 'vitest';
import { parseOperatorOptions } from './operator-options.ts';

describe('parseOperatorOptions', () => {
  it('has controller-runtime-like defaults', () => {
    const options = parseOperatorOptions([], {});
    expect(options['lease-duration']).toBe(15_000);
    expect(options['renew-deadline']).toBe(10_000);
    expect(options['retry-period']).toBe(2_000);
    expect(options['leader-elect']).toBe(true);
    expect(options['http-bind-address']).toEqual({ host: '0.0.0.0', port: 8080 });
    expect([...options.controllers]).toEqual(['backend', 'environment', 'flags']);
  });

  it('takes flags over environment variables', () => {
    const options = parseOperatorOptions(['--resync-period=30s', '--http-bind-address=127.0.0.1:9000'], {
      MOBILEPLANE_RESYNC_PERIOD: '5m',
      MOBILEPLANE_WATCH_NAMESPACE: 'apps',
      KUBECONFIG: '/tmp/kc',
    });
    expect(options['resync-period']).toBe(30_000);
    expect(options['watch-namespace']).toBe('apps');
    expect(options.kubeconfig).toBe('/tmp/kc');
    expect(options['http-bind-address']).toEqual({ host: '127.0.0.1', port: 9000 });
  });

  it('parses --pod-tolerations in kubectl taint syntax', () => {
    expect(parseOperatorOptions([], {})['pod-tolerations']).toEqual([]);
    const options = parseOperatorOptions(
      ['--pod-tolerations=kwok.x-k8s.io/node=fake:NoSchedule, dedicated:NoExecute,spot'],
      {},
    );
    expect(options['pod-tolerations']).toEqual([
      { key: 'kwok.x-k8s.io/node', operator: 'Equal', value: 'fake', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
      { key: 'spot', operator: 'Exists' },
    ]);
    expect(parseOperatorOptions([], { MOBILEPLANE_POD_TOLERATIONS: 'a=b:NoSchedule' })['pod-tolerations']).toHaveLength(
      1,
    );
  });

  it.each([
    [['--pod-tolerations=a=b:Sometimes'], /--pod-tolerations: "a=b:Sometimes" must be key\[=value\]/],
    [['--resync-period=soon'], /--resync-period: must be a duration/],
    [['--controllers=backend,rollouts'], /--controllers/],
    [['--lease-duration=5s', '--renew-deadline=10s'], /renew-deadline must be shorter/],
    [['--no-such-flag=1'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseOperatorOptions(argv, {})).toThrow(message);
  });
});
