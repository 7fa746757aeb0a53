//! The texts of the sign-in pages the server writes outside the app's shell (the
//! browser's sign-in and its refusals, the sign-in page inside the Feishu client and the
//! answers of `POST /auth/jssdk` its script shows), in both languages.

/// Every text of sign-in.
pub struct SignInMessages {
    // The browser's sign-in pages: a title, what happened, a link to start again.
    pub sign_in_again: &'static str,
    pub expired_title: &'static str,
    pub expired: &'static str,
    pub cancelled_title: &'static str,
    pub cancelled: &'static str,
    /// Feishu refused; its message follows on the page.
    pub refused_title: &'static str,
    pub refused: &'static str,
    /// The dashboard could not start the sign-in.
    pub broken_title: &'static str,
    pub broken: &'static str,
    pub signed_out_title: &'static str,
    pub signed_out: &'static str,

    // Refusals: who may not enter and whom to ask (plain text, escaped by the page).
    pub denied_title: &'static str,
    /// (name, contact): a person not on the list; without a name, Feishu itself said the
    /// app is not available to them (20010). An empty contact points to the Feishu admin.
    pub denied: fn(Option<&str>, &str) -> String,
    pub other_tenant_title: &'static str,
    /// (name, contact): a person of another tenant than the app's.
    pub other_tenant: fn(&str, &str) -> String,
    /// (Feishu's error): the app's own tenant could not be learned, so no one can be checked.
    pub tenant_unknown: fn(&str) -> String,
    pub other_account: &'static str,

    // The sign-in page inside the Feishu client; its script shows the `client_*` texts.
    pub client_title: &'static str,
    pub client_waiting: &'static str,
    pub client_checking: &'static str,
    pub client_refused: &'static str,
    /// `{detail}` is the client's error, put in by the page's script.
    pub client_failed: &'static str,
    pub client_no_answer: &'static str,
    pub client_unfinished: &'static str,
    pub client_unreachable: &'static str,
    pub client_retry: &'static str,
    pub client_browser_way: &'static str,
    pub client_needs_script: &'static str,

    // What `POST /auth/jssdk` answers when the client's code does not sign in.
    pub request_not_understood: &'static str,
    pub client_page_expired: &'static str,
    pub no_code: &'static str,
    pub no_code_source: &'static str,
    pub code_stale: &'static str,
    /// (Feishu's error): Feishu refused the code.
    pub feishu_refused: fn(&str) -> String,
    /// (the error): Feishu could not be asked who the person is.
    pub identity_unknown: fn(&str) -> String,
    pub session_failed: &'static str,
    /// The title of the page a read-only link that cannot be opened leads to.
    pub link_unusable: &'static str,
}

pub(super) const ZH: SignInMessages = SignInMessages {
    sign_in_again: "重新登录",
    expired_title: "登录链接已失效",
    expired: "登录链接已过期、已使用过，或不是由本看板发起的。请重新登录。",
    cancelled_title: "已取消登录",
    cancelled: "您在飞书中取消了登录。",
    refused_title: "飞书拒绝了登录",
    refused: "请重新登录；如果问题持续，请把下面的信息发给看板管理员。",
    broken_title: "暂时无法登录",
    broken: "看板无法开始登录。",
    signed_out_title: "已退出登录",
    signed_out: "您的会话已在服务器上结束。",

    denied_title: "没有访问权限",
    denied: |name, contact| {
        match (name, contact.is_empty()) {
        (Some(who), true) => format!("{who}，小组件洞察只对指定的管理员开放。请联系您企业的飞书管理员，把您加入看板的 DASHBOARD_ADMINS 名单。"),
        (Some(who), false) => format!("{who}，小组件洞察只对指定的管理员开放。如需访问，请联系：{contact}。"),
        (None, true) => "飞书表示此应用未对您的账号开放。请联系您企业的飞书管理员，把应用的可用范围扩大到您，并把您加入看板的 DASHBOARD_ADMINS 名单。".to_owned(),
        (None, false) => format!("飞书表示此应用未对您的账号开放。如需访问，请联系：{contact}。"),
    }
    },
    other_tenant_title: "不是本企业的账号",
    other_tenant: |name, contact| {
        if contact.is_empty() {
            format!("{name}，您登录的飞书账号属于其他企业或组织。小组件洞察只对本企业的管理员开放：请用本企业的飞书账号登录。")
        } else {
            format!(
                "{name}，您登录的飞书账号属于其他企业或组织。小组件洞察只对本企业的管理员开放：请用本企业的飞书账号登录；如有疑问，请联系：{contact}。"
            )
        }
    },
    tenant_unknown: |error| {
        format!(
            "无法向飞书确认本应用所属的企业，因此无法核对您的账号：{error} 请由看板管理员设置 FEISHU_TENANT_KEY，或为应用开通 tenant:tenant:readonly 权限。"
        )
    },
    other_account: "换一个账号登录",

    client_title: "正在通过飞书登录",
    client_waiting: "正在通过飞书客户端为您登录…",
    client_checking: "正在核对您的账号…",
    client_refused: "您没有允许小组件洞察使用您的飞书账号，因此未能登录。请重试并选择允许，或改用飞书登录页登录。",
    client_failed: "飞书客户端未能为您登录（{detail}）。请重试，或改用飞书登录页登录。",
    client_no_answer: "飞书客户端没有响应。请重试，或改用飞书登录页登录。",
    client_unfinished: "登录未能完成。请重试，或改用飞书登录页登录。",
    client_unreachable: "无法连接到看板。请检查网络后重试。",
    client_retry: "重试",
    client_browser_way: "改用飞书登录页登录",
    client_needs_script: "在飞书内登录需要启用 JavaScript。",

    request_not_understood: "登录请求的格式不对：请重试。",
    client_page_expired: "此登录页面已过期，或不是在这里打开的：请重试。",
    no_code: "飞书客户端没有给出登录码：请重试。",
    no_code_source: "登录请求没有说明登录码的来源：请重试。",
    code_stale: "登录码已过期或已被使用：请重试。",
    feishu_refused: |error| format!("飞书拒绝了登录：{error}"),
    identity_unknown: |error| format!("无法向飞书确认您的身份：{error} 请重试。"),
    session_failed: "看板无法保存登录（会话存储出错）：请稍后重试。",
    link_unusable: "此链接无法打开",
};

pub(super) const EN: SignInMessages = SignInMessages {
    sign_in_again: "Sign in again",
    expired_title: "This sign-in link is no longer valid",
    expired: "It expired, was already used, or was not started by this dashboard. Start the sign-in again.",
    cancelled_title: "Sign-in cancelled",
    cancelled: "The sign-in was cancelled at Feishu.",
    refused_title: "Feishu refused the sign-in",
    refused: "Try again; if it keeps failing, send the message below to whoever runs this dashboard.",
    broken_title: "Sign-in is not available right now",
    broken: "The dashboard could not start the sign-in.",
    signed_out_title: "You have signed out",
    signed_out: "Your session has ended on the server.",

    denied_title: "You do not have access",
    denied: |name, contact| match (name, contact.is_empty()) {
        (Some(who), true) => format!(
            "{who}, Block Insights is open to named admins only. Ask your Feishu administrator to add you to the dashboard's \
             DASHBOARD_ADMINS list."
        ),
        (Some(who), false) => format!("{who}, Block Insights is open to named admins only. To get access, ask: {contact}."),
        (None, true) => "Feishu says this app is not available to your account. Ask your Feishu administrator to make it \
                         available to you and to add you to the dashboard's DASHBOARD_ADMINS list."
            .to_owned(),
        (None, false) => format!("Feishu says this app is not available to your account. To get access, ask: {contact}."),
    },
    other_tenant_title: "This account belongs to another organisation",
    other_tenant: |name, contact| {
        let why = "the Feishu account you signed in with belongs to another organisation. Block Insights is open to this \
                   organisation's admins only: sign in with your account of this organisation";
        if contact.is_empty() { format!("{name}, {why}.") } else { format!("{name}, {why}, or ask: {contact}.") }
    },
    tenant_unknown: |error| {
        format!(
            "Feishu could not say which organisation this app belongs to, so your account cannot be checked: {error} \
             Whoever runs the dashboard sets FEISHU_TENANT_KEY, or grants the app tenant:tenant:readonly."
        )
    },
    other_account: "Sign in with another account",

    client_title: "Signing in with Feishu",
    client_waiting: "Signing you in through the Feishu client…",
    client_checking: "Checking your account…",
    client_refused: "You did not allow Block Insights to use your Feishu account, so you are not signed in. Try again and \
                     allow it, or sign in on Feishu's sign-in page.",
    client_failed: "The Feishu client could not sign you in ({detail}). Try again, or sign in on Feishu's sign-in page.",
    client_no_answer: "The Feishu client did not answer. Try again, or sign in on Feishu's sign-in page.",
    client_unfinished: "The sign-in could not be finished. Try again, or sign in on Feishu's sign-in page.",
    client_unreachable: "The dashboard could not be reached. Check the connection and try again.",
    client_retry: "Try again",
    client_browser_way: "Sign in on Feishu's sign-in page instead",
    client_needs_script: "Signing in inside Feishu needs JavaScript.",

    request_not_understood: "The sign-in request was not understood: try again.",
    client_page_expired: "This sign-in page expired or was not opened here: try again.",
    no_code: "The Feishu client gave no sign-in code: try again.",
    no_code_source: "The sign-in request did not say where its code came from: try again.",
    code_stale: "The sign-in code expired or was used: try again.",
    // Feishu's own message, which is English already.
    feishu_refused: |error| error.to_owned(),
    identity_unknown: |error| format!("Feishu could not be asked who you are: {error} Try again."),
    session_failed: "The dashboard could not keep the sign-in (its session store failed): try again in a moment.",
    link_unusable: "This link cannot be opened",
};
