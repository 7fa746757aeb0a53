//! Integration tests against the real server; see the [[test]] targets.
