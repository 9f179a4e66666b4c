// The viewer's browser-side signature V4 (assets/viewer/sign.js) against the Go V2 SDK vectors
// the server's own verifier is tested with (src/api/auth/tests.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { canonicalRequest, encodeQuery, signHeaders, v4Encode, v4EncodePath } from '../../assets/viewer/sign.js';

const QUERY = [
  ['param1', 'value1'],
  ['+param1', 'value3'],
  ['|param1', 'value4'],
  ['+param2', ''],
  ['|param2', ''],
  ['param2', ''],
];
const HEADERS = { 'x-oss-head1': 'value', abc: 'value', ZAbc: 'value', XYZ: 'value', 'content-type': 'text/plain' };
const creds = { id: 'ak', secret: 'sk' };

test('header signature matches TestV4AuthHeader', async () => {
  const now = new Date(1702743657 * 1000);
  const h = await signHeaders({ method: 'PUT', bucket: 'bucket', key: '1234+-/123/1.txt', query: QUERY, headers: HEADERS, creds, region: 'cn-hangzhou', now });
  assert.equal(
    h.Authorization,
    'OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe',
  );
  assert.equal(h['x-oss-date'], '20231216T162057Z');
  assert.equal(
    canonicalRequest('PUT', 'bucket', '1234+-/123/1.txt', QUERY, h),
    'PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n' +
      'content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n' +
      '\n\nUNSIGNED-PAYLOAD',
  );
});

test('header signature with a security token matches TestV4AuthHeaderToken', async () => {
  const now = new Date(1702784856 * 1000);
  const h = await signHeaders({ method: 'PUT', bucket: 'bucket', key: '1234+-/123/1.txt', query: QUERY, headers: HEADERS, creds: { ...creds, token: 'token' }, region: 'cn-hangzhou', now });
  assert.equal(h['x-oss-security-token'], 'token');
  assert.equal(
    h.Authorization,
    'OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea',
  );
});

test('encoding keeps only unreserved characters', () => {
  assert.equal(v4Encode("a b+c/d!'()*~._-"), 'a%20b%2Bc%2Fd%21%27%28%29%2A~._-');
  assert.equal(v4EncodePath('/b/dir/a b.jpg'), '/b/dir/a%20b.jpg');
  assert.equal(encodeQuery([['x-oss-process', 'image/resize,w_1'], ['acl', '']]), 'x-oss-process=image%2Fresize%2Cw_1&acl');
});
