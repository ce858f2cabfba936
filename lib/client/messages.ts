/** Texts a sender sees when a request cannot go on the queue. None quotes the request's values. */
const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

export const SEND_MESSAGES = {
  tooLarge: (parts: { total: number; limit: number; chart: number; values: number; wayOut: string }) =>
    `the request is ${kib(parts.total)}, over SQS's ${kib(parts.limit)} message limit ` +
    `(chart sent inline: ${kib(parts.chart)}; values: ${kib(parts.values)}); ${parts.wayOut}`,
  inlineTooLarge: (chars: number, limit: number, wayOut: string) =>
    `the chart sent inline is ${kib(chars)} of base64, over the ${kib(limit)} a request may carry; ${wayOut}`,
  chartWayOut:
    'publish the chart to a chart repository or an OCI registry and name it there (CHART with --repo URL, or oci://REGISTRY/REPOSITORY)',
  valuesWayOut:
    'values this large do not fit in a queued request: keep bulky data out of values (a ConfigMap or Secret the chart refers to, or defaults in the chart itself); values by reference are not supported yet',
} as const;
