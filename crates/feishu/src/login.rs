//! Login with Feishu (OAuth 2 authorization code with PKCE, or a code the Feishu client
//! hands a web app through the JSSDK): the authorize URL, the code exchange, who signed
//! in, and whether they administer the app.
//!
//! Each kind of code goes where Feishu documents it: a code of the authorize page or
//! of `tt.requestAccess` to `/authen/v2/oauth/token`; a code of `tt.requestAuthCode`
//! (clients older than 6.9) to `/authen/v1/access_token` with an app access token, as
//! Feishu's own web-app sample (larksuite/lark-samples, `web_app`) trades it. No page
//! says whether v2 takes such a code: the safe reading is the path Feishu's sample uses. The user's token is used once, to ask who
//! they are, and then dropped: the dashboard keeps only identity.

use std::fmt;

use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::answer::{self, Answer};
use crate::client::{Endpoint, FeishuClient};
use crate::codes::Codes;
use crate::error::FeishuError;

const AUTHORIZE_PATH: &str = "/open-apis/authen/v1/authorize";
const TOKEN_PATH: &str = "/open-apis/authen/v2/oauth/token";
/// Where a `tt.requestAuthCode` code is traded (with an app access token).
const V1_TOKEN_PATH: &str = "/open-apis/authen/v1/access_token";
/// A custom app's app access token.
const APP_TOKEN_PATH: &str = "/open-apis/auth/v3/app_access_token/internal";
const USER_INFO_PATH: &str = "/open-apis/authen/v1/user_info";
const IS_ADMIN_PATH: &str = "/open-apis/application/v3/is_user_admin";
/// The app's tenant (scope `tenant:tenant:readonly`).
const TENANT_QUERY_PATH: &str = "/open-apis/tenant/v2/tenant/query";
/// The scope the tenant query needs.
pub const TENANT_SCOPE: &str = "tenant:tenant:readonly";
/// The field scope without which `user_info` leaves out `email`.
pub const EMAIL_SCOPE: &str = "contact:user.email:readonly";
/// The field scope without which `user_info` leaves out `enterprise_email`.
pub const EMPLOYEE_SCOPE: &str = "contact:user.employee:readonly";

/// A user access token. `Debug` and `Display` print `u-****`.
pub struct UserToken(SecretString);

impl ExposeSecret<str> for UserToken {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for UserToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserToken(u-****)")
    }
}

impl fmt::Display for UserToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("u-****")
    }
}

/// Who signed in, as Feishu describes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeishuUser {
    pub open_id: String,
    #[serde(default)]
    pub union_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub en_name: Option<String>,
    /// Only when the app holds [`EMAIL_SCOPE`] and the person granted it.
    #[serde(default)]
    pub email: Option<String>,
    /// Only when the app holds [`EMPLOYEE_SCOPE`] and the person granted it.
    #[serde(default)]
    pub enterprise_email: Option<String>,
    /// The person's tenant: another than the app's for a guest of another organisation.
    #[serde(default)]
    pub tenant_key: Option<String>,
}

/// The token endpoint's answer (OAuth style: `code` 0 with `access_token`, or `error`).
#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct TenantAnswer {
    tenant: TenantInfo,
}

#[derive(Deserialize)]
struct TenantInfo {
    tenant_key: String,
}

#[derive(Deserialize)]
struct AdminAnswer {
    #[serde(default)]
    is_app_admin: bool,
}

impl FeishuClient {
    /// Where to send a browser to sign in: Feishu's authorize page on `accounts_base`
    /// (e.g. `https://accounts.feishu.cn`), with PKCE (S256), `state`, and `scopes`
    /// for the person to grant (none: the person's identity only).
    pub fn authorize_url(
        &self,
        accounts_base: &str,
        redirect_uri: &str,
        state: &str,
        code_challenge: &str,
        scopes: &[&str],
    ) -> Result<String, FeishuError> {
        let base = accounts_base.trim().trim_end_matches('/');
        let mut url = Url::parse(&format!("{base}{AUTHORIZE_PATH}")).map_err(|e| FeishuError::InvalidConfig {
            reason: format!("the accounts URL {accounts_base:?} is not a URL ({e}); use e.g. https://accounts.feishu.cn"),
        })?;
        url.query_pairs_mut()
            .append_pair("client_id", self.app_id())
            // Required by the authorize page's doc, with this fixed value.
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .append_pair("code_challenge", code_challenge)
            .append_pair("code_challenge_method", "S256");
        if !scopes.is_empty() {
            url.query_pairs_mut().append_pair("scope", &scopes.join(" "));
        }
        Ok(url.into())
    }

    /// Exchanges the code Feishu sent back to `redirect_uri` (the authorize page's
    /// code) for the user's token, proving the PKCE verifier.
    #[tracing::instrument(skip_all)]
    pub async fn exchange_login_code(
        &self,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
    ) -> Result<UserToken, FeishuError> {
        self.exchange_code(code, Some((redirect_uri, code_verifier))).await
    }

    /// Exchanges a code the Feishu client handed the page through the JSSDK's
    /// `tt.requestAccess` for the user's token. Such a code was issued without a
    /// redirect_uri or PKCE challenge, so the exchange sends neither. Codes 20003,
    /// 20004 and 20065 mean it is unknown, expired or used.
    #[tracing::instrument(skip_all)]
    pub async fn exchange_client_code(&self, code: &str) -> Result<UserToken, FeishuError> {
        self.exchange_code(code, None).await
    }

    /// Exchanges a code of `tt.requestAuthCode` (Feishu clients older than 6.9) for the
    /// user's token: `POST /open-apis/authen/v1/access_token` with the app's access
    /// token. Feishu's refusals come back as [`FeishuError::Login`] with their code.
    #[tracing::instrument(skip_all)]
    pub async fn exchange_old_client_code(&self, code: &str) -> Result<UserToken, FeishuError> {
        // Fetched for each such sign-in (rare: old clients only) rather than cached.
        let app_token = self.app_token().await?;
        let exchange = serde_json::json!({ "grant_type": "authorization_code", "code": code });
        // The endpoint's own codes (20003 unknown code, 20004 expired, …) are the sign-in's.
        let (status, body) = self
            .post_once(V1_TOKEN_PATH, Some(app_token.expose_secret()), &exchange, |code, msg| FeishuError::Login {
                code,
                error: "invalid_grant".to_owned(),
                description: msg,
            })
            .await?;
        // Read field by field: a serde error message could quote the token.
        let token = body.get("data").and_then(|data| data.get("access_token")).and_then(|v| v.as_str());
        token.map(|t| UserToken(SecretString::from(t.to_owned()))).ok_or(FeishuError::Decode {
            status: status.as_u16(),
            detail: "the v1 login answer has no data.access_token".to_owned(),
        })
    }

    /// The custom app's app access token (`POST /open-apis/auth/v3/app_access_token/internal`).
    async fn app_token(&self) -> Result<SecretString, FeishuError> {
        let (status, body) = self.post_app_credentials(APP_TOKEN_PATH).await?;
        let token = body.get("app_access_token").and_then(|v| v.as_str());
        token.map(|t| SecretString::from(t.to_owned())).ok_or(FeishuError::Decode {
            status: status.as_u16(),
            detail: "the app token answer has no app_access_token".to_owned(),
        })
    }

    /// `POST /open-apis/authen/v2/oauth/token` with `grant_type=authorization_code`;
    /// `redirect` is the authorize request's redirect_uri and PKCE verifier, if it had them.
    async fn exchange_code(&self, code: &str, redirect: Option<(&str, &str)>) -> Result<UserToken, FeishuError> {
        #[derive(Serialize)]
        struct Exchange<'a> {
            grant_type: &'a str,
            client_id: &'a str,
            client_secret: &'a str,
            code: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            redirect_uri: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            code_verifier: Option<&'a str>,
        }
        let body = Exchange {
            grant_type: "authorization_code",
            client_id: self.app_id(),
            client_secret: self.app_secret().expose_secret(),
            code,
            redirect_uri: redirect.map(|(uri, _)| uri),
            code_verifier: redirect.map(|(_, verifier)| verifier),
        };
        let response = self.http().post(self.endpoint(TOKEN_PATH)?).json(&body).send().await.map_err(FeishuError::transport)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(FeishuError::transport)?;
        let answer: TokenAnswer = serde_json::from_slice(&bytes)
            .map_err(|_| FeishuError::Decode { status, detail: "the login token endpoint did not answer JSON".to_owned() })?;
        if answer.code != 0 || answer.error.is_some() {
            return Err(FeishuError::Login {
                code: answer.code,
                error: answer.error.unwrap_or_default(),
                description: answer.error_description.unwrap_or_default(),
            });
        }
        // Read field by field: a serde error message could quote the token.
        let token = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes)
            .ok()
            .and_then(|m| m.get("access_token").and_then(|v| v.as_str()).map(str::to_owned));
        token
            .map(|t| UserToken(SecretString::from(t)))
            .ok_or(FeishuError::Decode { status, detail: "the login answer has no access_token".to_owned() })
    }

    /// Who the user token belongs to.
    #[tracing::instrument(skip_all)]
    pub async fn login_user(&self, token: &UserToken) -> Result<FeishuUser, FeishuError> {
        let response = self
            .http()
            .get(self.endpoint(USER_INFO_PATH)?)
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .map_err(FeishuError::transport)?;
        let answer = Answer::read(response).await?;
        let status = answer.status();
        answer::decode_data(status, answer.into_success()?)
    }

    /// The `tenant_key` of the tenant this app is installed in (`GET
    /// /open-apis/tenant/v2/tenant/query`, scope [`TENANT_SCOPE`]), to tell this
    /// tenant's people from guests of another.
    #[tracing::instrument(skip_all)]
    pub async fn tenant_key(&self) -> Result<String, FeishuError> {
        let endpoint = Endpoint {
            method: reqwest::Method::GET,
            path: TENANT_QUERY_PATH,
            name: "tenant_query",
            codes: Codes::Generic,
            max_rate: None,
        };
        let answer: TenantAnswer = self.call(&endpoint, &[], None).await.map_err(|error| match error {
            // A missing scope that Feishu's message does not name is this one.
            FeishuError::MissingScope { msg, scope } if !msg.contains(&scope) => {
                FeishuError::MissingScope { scope: TENANT_SCOPE.to_owned(), msg }
            }
            other => other,
        })?;
        Ok(answer.tenant.tenant_key)
    }

    /// Whether Feishu reports `open_id` as an administrator of this app (scope
    /// `admin:app.admin:check`).
    #[tracing::instrument(skip_all)]
    pub async fn is_app_admin(&self, open_id: &str) -> Result<bool, FeishuError> {
        let token = self.tenant_token().await?;
        let mut url = self.endpoint(IS_ADMIN_PATH)?;
        url.query_pairs_mut().append_pair("open_id", open_id);
        let response = self.http().get(url).bearer_auth(token.expose_secret()).send().await.map_err(FeishuError::transport)?;
        let answer = Answer::read(response).await?;
        let status = answer.status();
        let data: AdminAnswer = answer::decode_data(status, answer.into_success()?)?;
        Ok(data.is_app_admin)
    }
}
