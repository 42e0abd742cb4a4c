import { describe, expect, it } from 'vitest'
import {
  addCounts,
  placeholder,
  redactFile,
  redactLines,
  redactText,
  type SecretKind,
} from '../src/redact'
import { parseFile } from '../src/diff/parse'
import { BASE62, noise } from './helpers'

function expectRedacted(
  input: string,
  output: string,
  counts: Partial<Record<SecretKind, number>>,
): void {
  const result = redactText(input)
  expect(result.value).toBe(output)
  expect(result.counts).toEqual(counts)
}

describe('placeholder', () => {
  it('names the kind of the secret it replaces', () => {
    expect(placeholder('github-token')).toBe('[REDACTED:github-token]')
  })
})

describe('private keys', () => {
  const body = (seed: number): string[] => [
    'MII' + noise(61, seed),
    noise(64, seed + 1),
    noise(40, seed + 2) + '==',
  ]

  it.each([
    'RSA PRIVATE KEY',
    'EC PRIVATE KEY',
    'DSA PRIVATE KEY',
    'OPENSSH PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'PRIVATE KEY',
  ])('replaces every line of a %s from BEGIN to END', (label) => {
    const lines = [
      'const a = 1',
      `-----BEGIN ${label}-----`,
      ...body(7),
      `-----END ${label}-----`,
      'const b = 2',
    ]
    const { value, counts } = redactLines(lines)

    expect(value).toEqual([
      'const a = 1',
      ...Array<string>(5).fill('[REDACTED:private-key]'),
      'const b = 2',
    ])
    expect(counts).toEqual({ 'private-key': 1 })
  })

  it('replaces a PGP key block, armor headers and blank line included', () => {
    const lines = [
      '-----BEGIN PGP PRIVATE KEY BLOCK-----',
      'Comment: deploy key',
      '',
      ...body(11),
      '=' + noise(4, 12),
      '-----END PGP PRIVATE KEY BLOCK-----',
      '# done',
    ]
    const { value, counts } = redactLines(lines)

    expect(value).toHaveLength(lines.length)
    expect(value.slice(0, -1)).toEqual(
      Array<string>(lines.length - 1).fill('[REDACTED:private-key]'),
    )
    expect(value.at(-1)).toBe('# done')
    expect(counts).toEqual({ 'private-key': 1 })
  })

  it('keeps the indentation of a key inside YAML', () => {
    const lines = [
      'tls:',
      '  key: |',
      '    -----BEGIN EC PRIVATE KEY-----',
      ...body(21).map((line) => '    ' + line),
      '    -----END EC PRIVATE KEY-----',
      '  cert: ./cert.pem',
    ]
    const { value } = redactLines(lines)

    expect(value).toEqual([
      'tls:',
      '  key: |',
      ...Array<string>(5).fill('    [REDACTED:private-key]'),
      '  cert: ./cert.pem',
    ])
  })

  it('replaces a key held on one line with escaped line breaks', () => {
    const key =
      '-----BEGIN PRIVATE KEY-----\\n' +
      body(31).join('\\n') +
      '\\n-----END PRIVATE KEY-----\\n'

    expectRedacted(
      `  "private_key": "${key}",`,
      '  "private_key": "[REDACTED:private-key]\\n",',
      { 'private-key': 1 },
    )
  })

  it('replaces a key per line in free text and keeps its line breaks', () => {
    const text = [
      'Rotated the key:',
      '-----BEGIN RSA PRIVATE KEY-----',
      ...body(41),
      '-----END RSA PRIVATE KEY-----',
      'Thanks!',
    ].join('\r\n')
    const { value, counts } = redactText(text)

    expect(value).toBe(
      [
        'Rotated the key:',
        ...Array<string>(5).fill('[REDACTED:private-key]'),
        'Thanks!',
      ].join('\r\n'),
    )
    expect(counts).toEqual({ 'private-key': 1 })
  })

  it('replaces a key cut off by the end of the hunk', () => {
    const lines = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...body(51)]

    expect(redactLines(lines)).toEqual({
      value: Array<string>(4).fill('[REDACTED:private-key]'),
      counts: { 'private-key': 1 },
    })
  })

  it('replaces the body above an END when the hunk starts inside a key', () => {
    const lines = [...body(61), '-----END RSA PRIVATE KEY-----', '}']

    expect(redactLines(lines).value).toEqual([
      ...Array<string>(4).fill('[REDACTED:private-key]'),
      '}',
    ])
  })

  it('leaves key markers in code alone', () => {
    const lines = [
      "if (pem.startsWith('-----BEGIN RSA PRIVATE KEY-----')) {",
      "  return pem.replace('-----END RSA PRIVATE KEY-----', '')",
      '}',
    ]

    expect(redactLines(lines)).toEqual({ value: lines, counts: {} })
  })
})

describe('provider formats', () => {
  it.each(['AKIA', 'ASIA', 'ABIA', 'ACCA'])(
    'replaces an AWS access key id starting %s',
    (prefix) => {
      const id = prefix + noise(16, 3, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')
      expectRedacted(
        `aws_access_key_id = ${id}`,
        'aws_access_key_id = [REDACTED:aws-access-key]',
        { 'aws-access-key': 1 },
      )
    },
  )

  it.each([
    ['aws_secret_access_key = ', ''],
    ['AWS_SECRET_ACCESS_KEY: "', '"'],
    ["  secretAccessKey: '", "',"],
    ['aws configure set aws_secret_access_key ', ''],
  ])('replaces an AWS secret access key named by %j', (before, after) => {
    const secret = noise(38, 5) + '/+'
    expectRedacted(
      before + secret + after,
      before + '[REDACTED:aws-secret-key]' + after,
      { 'aws-secret-key': 1 },
    )
  })

  it.each(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'])(
    'replaces a GitHub token starting %s',
    (prefix) => {
      expectRedacted(
        `GITHUB_TOKEN=${prefix}${'A1b2'.repeat(9)}`,
        'GITHUB_TOKEN=[REDACTED:github-token]',
        { 'github-token': 1 },
      )
    },
  )

  it('replaces a fine-grained GitHub token', () => {
    const token = 'github_pat_' + noise(22, 9) + '_' + noise(59, 10)
    expectRedacted(
      `git clone https://x-access-token:${token}@github.com/o/r`,
      'git clone https://x-access-token:[REDACTED:github-token]@github.com/o/r',
      { 'github-token': 1 },
    )
  })

  it.each(['sk-', 'sk-proj-', 'sk-svcacct-'])(
    'replaces an OpenAI key starting %s',
    (prefix) => {
      expectRedacted(
        `const client = new OpenAI({ apiKey: '${prefix}${noise(48, 13)}' })`,
        "const client = new OpenAI({ apiKey: '[REDACTED:openai-key]' })",
        { 'openai-key': 1 },
      )
    },
  )

  it('replaces an Anthropic key, not as an OpenAI key', () => {
    const key = 'sk-ant-api03-' + noise(93, 17) + '-' + noise(6, 18) + 'AA'
    expectRedacted(
      `ANTHROPIC_API_KEY=${key}`,
      'ANTHROPIC_API_KEY=[REDACTED:anthropic-key]',
      { 'anthropic-key': 1 },
    )
  })

  it.each([
    ['a bot token', `xoxb-1234567890-1234567890123-${noise(24, 19)}`],
    ['a user token', `xoxp-1234567890-1234567890-1234567890-${noise(32, 20)}`],
    ['an app token', `xapp-1-A0123456789-1234567890123-${noise(64, 21)}`],
  ])('replaces a Slack token: %s', (_, token) => {
    expectRedacted(`slack: ${token}`, 'slack: [REDACTED:slack-token]', {
      'slack-token': 1,
    })
  })

  it('replaces only the secret segment of a Slack webhook URL', () => {
    const url = 'https://hooks.slack.com/services/T0123ABCD/B0456EFGH/'
    expectRedacted(
      `webhook: ${url}${noise(24, 22)}`,
      `webhook: ${url}[REDACTED:slack-token]`,
      { 'slack-token': 1 },
    )
  })

  it.each(['sk_live_', 'rk_live_', 'sk_test_'])(
    'replaces a Stripe key starting %s',
    (prefix) => {
      expectRedacted(
        `Stripe.apiKey = "${prefix}${noise(24, 23)}";`,
        'Stripe.apiKey = "[REDACTED:stripe-key]";',
        { 'stripe-key': 1 },
      )
    },
  )

  it('replaces a Google API key', () => {
    const key = 'AIza' + noise(33, 29) + '-_'
    const src = 'https://maps.googleapis.com/maps/api/js?key='
    expectRedacted(
      `<script src="${src}${key}"></script>`,
      `<script src="${src}[REDACTED:google-api-key]"></script>`,
      { 'google-api-key': 1 },
    )
  })

  it('replaces a JWT', () => {
    const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString(
      'base64url',
    )
    const claims = Buffer.from('{"sub":"42","exp":1900000000}').toString(
      'base64url',
    )
    const jwt = `${header}.${claims}.${noise(43, 31)}`

    expectRedacted(
      `curl -H "Authorization: Bearer ${jwt}" https://api.internal`,
      'curl -H "Authorization: Bearer [REDACTED:jwt]" https://api.internal',
      { jwt: 1 },
    )
  })

  it('replaces provider formats wherever they appear, without a name', () => {
    const token = 'ghp_' + noise(36, 37)
    expectRedacted(
      `The old token ${token} was revoked.`,
      'The old token [REDACTED:github-token] was revoked.',
      { 'github-token': 1 },
    )
  })
})

describe('connection strings', () => {
  it('replaces only the password and keeps user and host', () => {
    expectRedacted(
      'postgres://app:s3cr3tPa55@db:5432/x',
      'postgres://app:[REDACTED:connection-string-password]@db:5432/x',
      { 'connection-string-password': 1 },
    )
  })

  it.each([
    ['mysql://root:', '@127.0.0.1:3306/shop'],
    ['mongodb+srv://reader:', '@cluster0.mongodb.net/app?retryWrites=true'],
    ['redis://:', '@cache:6379/0'],
    ['amqp://worker:', '@rabbit:5672/jobs'],
    ['DATABASE_URL="postgresql://svc:', '@10.0.0.5/prod"'],
    ['jdbc:mysql://svc:', '@db.internal:3306/app'],
    ['https://deploy:', '@git.internal/org/repo.git'],
  ])('replaces the password in %s…', (before, after) => {
    expectRedacted(
      before + noise(16, 41) + after,
      before + '[REDACTED:connection-string-password]' + after,
      { 'connection-string-password': 1 },
    )
  })

  it('takes an unescaped @ as part of the password', () => {
    expectRedacted(
      'mongodb://u:p@ss:w0rd@mongo:27017',
      'mongodb://u:[REDACTED:connection-string-password]@mongo:27017',
      { 'connection-string-password': 1 },
    )
  })

  it('leaves references and placeholders in a connection string alone', () => {
    for (const line of [
      'postgres://app:${DB_PASSWORD}@db:5432/app',
      'postgres://user:password@localhost/db',
      'redis://:<password>@cache:6379',
      'https://example.com/docs?q=a:b@c',
    ]) {
      expect(redactText(line)).toEqual({ value: line, counts: {} })
    }
  })
})

describe('assigned secrets', () => {
  it('replaces a high-entropy value assigned to a secret name', () => {
    expectRedacted(
      'password = "hunter2-Xk9#pQ2v"',
      'password = "[REDACTED:assigned-secret]"',
      { 'assigned-secret': 1 },
    )
  })

  // `<>` marks where the value goes.
  it.each([
    ['env', 'DB_PASSWORD=<>'],
    ['export', 'export API_TOKEN="<>"'],
    ['YAML', '  password: <>'],
    ['YAML, quoted', "client_secret: '<>'"],
    ['JSON', '{"apiKey":"<>","region":"eu"}'],
    ['TOML', 'secret_key = "<>"'],
    ['HCL', '  master_password = "<>"'],
    ['a Python keyword', 'connect(user="app", passwd="<>")'],
    ['a typed Python name', 'api_key: str = "<>"'],
    ['a Ruby symbol', ":auth_token => '<>',"],
    ['a PHP array', "'private_key' => '<>',"],
    ['Go', 'token := "<>"'],
    ['a JS object', "{ accessKey: '<>' }"],
    ['an index', 'env["SERVICE_PWD"] = "<>"'],
    ['a CLI flag', 'deploy --api-key=<>'],
    ['a header', '-H "Authorization: Bearer <>"'],
    ['a query', '/v1/items?access_token=<>&page=2'],
  ])('replaces the value in %s form', (_, template) => {
    expectRedacted(
      template.replace('<>', noise(20, 43)),
      template.replace('<>', '[REDACTED:assigned-secret]'),
      { 'assigned-secret': 1 },
    )
  })

  it('replaces UUID and hex values when the name says they are secret', () => {
    expectRedacted(
      'api_key: "550e8400-e29b-41d4-a716-446655440000"',
      'api_key: "[REDACTED:assigned-secret]"',
      { 'assigned-secret': 1 },
    )
    expectRedacted(
      `WEBHOOK_SECRET=${noise(32, 47, '0123456789abcdef')}`,
      'WEBHOOK_SECRET=[REDACTED:assigned-secret]',
      { 'assigned-secret': 1 },
    )
  })

  it('replaces every secret on a line and counts each', () => {
    const redacted = '[REDACTED:assigned-secret]'
    expectRedacted(
      `{"token":"${noise(24, 53)}","password":"${noise(16, 59)}"}`,
      `{"token":"${redacted}","password":"${redacted}"}`,
      { 'assigned-secret': 2 },
    )
  })
})

describe('false positives', () => {
  it.each([
    'const token = await getToken()',
    'password: z.string().min(8),',
    'if (secret === undefined) return',
    'if (password == confirmPassword) {',
    'TOKEN_URL = "https://oauth2.googleapis.com/token"',
    'sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
    'commit: 9fceb02d0ae598e95dc970b74767f19372d61af8',
    'Merge 1a410efbd13591db07496601ebc7a059dd55cfe9 into main',
    '  "id": "550e8400-e29b-41d4-a716-446655440000",',
    'api_key_header = "X-API-Key"',
    'token_type = "bearer_access_token_v2"',
    'const secret = config.password',
    'const accessToken = tokenResponse.accessToken',
    'private readonly secret: Uint8Array',
    'password = os.environ["DB_PASSWORD"]',
    'apiKey: process.env.OPENAI_API_KEY,',
    'token: ${{ secrets.GITHUB_TOKEN }}',
    'DB_PASSWORD: ${DB_PASSWORD}',
    'API_TOKEN=$API_TOKEN',
    'password: "{{ .Values.postgres.password }}"',
    'headers["Authorization"] = `Bearer ${token}`',
    'password = "changeme"',
    'token: "your-token-here"',
    'api_key: <token>',
    'secret = "xxxxxxxxxxxxxxxx"',
    'password: "********"',
    'api_key = "example-key-8c1f2a"',
    'token = "dummy-token-9d2e3b"',
    'client_secret: "test-secret-7a6b5c"',
    'secret: "placeholder"',
    'password: "[redacted]"',
    'password = ""',
    'password: true',
    'token_limit: 128000',
    'maxTokens: 4096,',
    '  id-token: write',
    'author: "janedoe1984x"',
    'const tokenizer = "cl100k_base"',
    'credentials_file: ./secrets/service-account.json',
    'Please enter your password: it must be 12 characters.',
  ])('leaves %j unchanged', (line) => {
    expect(redactText(line)).toEqual({ value: line, counts: {} })
  })
})

describe('idempotence', () => {
  const corpus = [
    'password = "hunter2-Xk9#pQ2v"',
    'postgres://app:s3cr3tPa55@db:5432/x',
    `GITHUB_TOKEN=ghp_${noise(36, 61)}`,
    `OPENAI_API_KEY=sk-proj-${noise(48, 67)}`,
    '{"private_key": "-----BEGIN PRIVATE KEY-----\\n' +
      noise(64, 71) +
      '\\n-----END PRIVATE KEY-----\\n"}',
    '-----BEGIN RSA PRIVATE KEY-----',
    noise(64, 73),
    '-----END RSA PRIVATE KEY-----',
    `aws_secret_access_key = ${noise(40, 79)}`,
    `token: "Bearer ${noise(24, 83)}"`,
    'const token = await getToken()',
  ].join('\n')

  it('leaves redacted text as it is and counts nothing more', () => {
    const once = redactText(corpus)
    const twice = redactText(once.value)

    expect(once.counts).toEqual({
      'assigned-secret': 2,
      'connection-string-password': 1,
      'github-token': 1,
      'openai-key': 1,
      'private-key': 2,
      'aws-secret-key': 1,
    })
    expect(twice).toEqual({ value: once.value, counts: {} })
  })

  it.each(['assigned-secret', 'github-token'] as const)(
    'never takes a %s placeholder for a secret',
    (kind) => {
      const line = `password = "${placeholder(kind)}"`
      expect(redactText(line)).toEqual({ value: line, counts: {} })
    },
  )
})

describe('line structure', () => {
  it('keeps every kind of line break in free text exactly', () => {
    const text = `a\r\nb\nc\rtoken: ghp_${noise(36, 89)}\n\n`

    expect(redactText(text).value).toBe(
      'a\r\nb\nc\rtoken: [REDACTED:github-token]\n\n',
    )
  })

  it('returns as many lines as it was given', () => {
    const lines = ['', 'x', '-----BEGIN PRIVATE KEY-----', noise(64, 97), '']

    expect(redactLines(lines).value).toHaveLength(lines.length)
  })
})

describe('performance', () => {
  const megabyte = 1024 * 1024

  it('handles a 1 MB line of one letter', () => {
    const line = 'a'.repeat(megabyte)
    expect(redactText(line).value).toHaveLength(megabyte)
  })

  it('handles a 1 MB line of base64-like text', () => {
    const line = noise(megabyte, 101, BASE62 + '+/')
    expect(redactText(line).value).toHaveLength(megabyte)
  })

  it('handles a 5 MB diff with secrets scattered through it', () => {
    const block = [
      '  const token = await getToken()',
      `  password: "${noise(16, 103)}",`,
      `  "integrity": "sha512-${noise(86, 107, BASE62 + '+/')}==",`,
      '  DATABASE_URL=postgres://app:s3cr3tPa55@db:5432/x',
      '',
    ]
    const copies = Math.ceil((5 * megabyte) / block.join('\n').length)
    const lines = Array.from({ length: copies }, () => block).flat()

    const { value, counts } = redactLines(lines)
    expect(value).toHaveLength(lines.length)
    expect(counts).toEqual({
      'assigned-secret': copies,
      'connection-string-password': copies,
    })
  })
})

describe('addCounts', () => {
  it('sums the counts of several redactions by kind', () => {
    const title = redactText(`ghp_${noise(36, 109)}`)
    const body = redactLines([
      `ghp_${noise(36, 113)}`,
      'postgres://app:s3cr3tPa55@db:5432/x',
    ])

    expect(addCounts(title.counts, body.counts, {})).toEqual({
      'github-token': 2,
      'connection-string-password': 1,
    })
  })

  it('returns no counts for no redactions', () => {
    expect(addCounts()).toEqual({})
  })
})

describe('redactFile', () => {
  it('redacts the hunk header git fills with the line above the hunk', () => {
    const token = `ghp_${noise(36, 90)}`
    const file = parseFile({
      filename: '.env',
      status: 'modified',
      additions: 1,
      deletions: 0,
      changes: 1,
      patch: `@@ -10,2 +10,3 @@ GITHUB_TOKEN=${token}\n A=1\n+B=2\n C=3`,
    })
    const { value, counts } = redactFile(file)
    expect(value.hunks[0]?.section).toBe('GITHUB_TOKEN=[REDACTED:github-token]')
    expect(counts).toEqual({ 'github-token': 1 })
  })
})
