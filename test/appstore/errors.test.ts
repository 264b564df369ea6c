import { describe, expect, it } from 'vitest';
import { renderError } from '../../functions/shared/families.js';
import { NotFoundError } from '../../functions/shared/errors.js';
import { AppStoreError } from '../../functions/appstore/messages.js';
import { storeError } from '../../functions/appstore/store-service.js';

describe('app store errors', () => {
  it('renders an unexpected failure as SystemError with the document message and nothing of its internals', () => {
    const rendered = renderError('appstore', storeError(new Error('ECONNRESET at dynamo.js:42'), 'zh-CN'));
    expect(rendered.statusCode).toBe(404);
    expect(JSON.parse(rendered.body)).toEqual({ ResponseData: { Error: { Code: 'SystemError', Message: '系统异常,请联系管理员' } } });
  });

  it('renders what the cluster side refused as ContainerCommandError with its reason, in the caller language', () => {
    const rendered = renderError('appstore', storeError(new NotFoundError('repository "x" is not registered'), 'en-US'));
    expect(JSON.parse(rendered.body).ResponseData.Error).toEqual({
      Code: 'ContainerCommandError',
      Message: 'a container operation failed: repository "x" is not registered',
    });
  });

  it('keeps an app store error as it is', () => {
    const error = new AppStoreError('APP.NotExis', 'en-US', 'web1');
    expect(storeError(error, 'zh-CN')).toBe(error);
  });
});
