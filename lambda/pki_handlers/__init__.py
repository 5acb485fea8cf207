"""pki-constructs Lambda handlers: one package, shipped as one asset (``lambda/``), stdlib + boto3 only.

Modules per handler (``ca_activation``, ``cert_export``, ``trust_store_bundle``, ``ca_expiry``) and helpers
written once: ``arns`` (ARN parsing), ``x509`` (PEM and the few X.509 fields we read), ``aws`` (clients with
bounded timeouts and retries, error classification, the invocation deadline) and ``logs`` (structured,
redacting logging). Handlers never import ``pki_constructs``; importing this package imports no boto3.
"""
