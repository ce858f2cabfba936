/** The benchmark's release: 50 objects of five kinds, as a chart would render them. */
export function benchManifest(): string {
  const docs: string[] = [];
  for (let i = 0; i < 10; i++) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\ndata:\n  index: "${i}"\n  mode: fast\n`,
    );
    docs.push(
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-${i}\ntype: Opaque\nstringData:\n  token: t${i}\n`,
    );
    docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: account-${i}\n`);
    docs.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector:\n    app: app-${i}\n  ports:\n    - port: 80\n      targetPort: 8080\n`,
    );
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: app-${i}\n  template:\n    metadata:\n      labels:\n        app: app-${i}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          ports:\n            - containerPort: 8080\n`,
    );
  }
  return docs.join('---\n');
}
