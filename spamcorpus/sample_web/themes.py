"""Per-host look of the sample web: site names, navigation, sidebars and footers (the boilerplate around posts)."""
from __future__ import annotations

from spamcorpus.sample_web.layout import Theme

CATEGORY_ZH = {
    "telecom_sim": "流量卡", "gambling": "娱乐", "loans": "借贷", "account_trade": "账号", "guides": "教程",
    "fake_documents": "办证", "crypto_finance": "数字货币", "support_scam": "客服", "hacking_data": "数据",
}

BLOG = Theme(
    site_name="出海通讯站", tagline="SIM卡、eSIM与跨境生活资讯 · 人人都能开专栏", html_lang="zh-CN",
    nav=(("首页", "/"), ("流量卡", "/category/telecom_sim/"), ("娱乐", "/category/gambling/"),
         ("借贷", "/category/loans/"), ("账号", "/category/account_trade/"), ("教程", "/category/guides/"),
         ("登录", "/wp-admin/")),
    sidebar_title="热门文章", tags_title="标签", tags=("eSIM", "香港卡", "保号", "境外号码", "流量", "充值", "注册", "验证码"),
    friends_title="友情链接",
    footer_lines=("© 2026 出海通讯站 版权所有 · 本站内容来源于网络，如有侵权请联系删除", "粤ICP备20260318号-1"),
    accent="#1f6feb", read_more="阅读全文 »", published="发布于", author_label="作者",
)
FORUM = Theme(
    site_name="数码茶馆论坛", tagline="手机 · 网络 · 数码生活", html_lang="zh-CN",
    nav=(("论坛首页", "/"), ("数码综合", "/forum-1-1.html"), ("通讯技术", "/forum-2-1.html"),
         ("生活杂谈", "/forum-3-1.html"), ("站务公告", "/forum-4-1.html")),
    sidebar_title="本版热帖", tags_title="热门搜索", tags=("手机卡", "宽带", "路由器", "eSIM", "换机", "流量"),
    friends_title="合作站点",
    footer_lines=("Powered by 茶馆社区 X3.5 © 2001-2026", "请遵守国家法律法规，禁止发布违法信息 · 浙ICP备10086213号"),
    accent="#3b7d4f", read_more="查看帖子", published="发表于", author_label="楼主",
)
FORUM_BOARDS = (("1", "数码综合"), ("2", "通讯技术"), ("3", "生活杂谈"), ("4", "站务公告"))
PASTE = Theme(
    site_name="Pastebox", tagline="share text, notes and guides in one click", html_lang="en",
    nav=(("New paste", "/"), ("Recent", "/"), ("About", "/")),
    sidebar_title="Recent pastes", tags_title="Syntax", tags=("text", "markdown", "travel", "prepaid", "guides"),
    friends_title="Elsewhere",
    footer_lines=("© 2026 Pastebox. Public pastes are indexed; private pastes are not.", "Privacy · Terms · Cookies"),
    accent="#7b3fe4", read_more="View paste", published="Posted", author_label="by",
)
CODE = Theme(
    site_name="CodeNest", tagline="git hosting for everyone", html_lang="en",
    nav=(("Explore", "/"),), sidebar_title="Recently updated", tags_title="Languages", tags=("Markdown", "Python"),
    friends_title="Links", footer_lines=("CodeNest · plain files, no tracking",), accent="#24292f",
    read_more="open", published="updated", author_label="by",
)
BROKEN = Theme(
    site_name="资源合作站", tagline="", html_lang="zh-CN", nav=(("首页", "/"),), sidebar_title="推荐",
    tags_title="标签", tags=(), friends_title="链接", footer_lines=("资源合作站",), accent="#999",
    read_more="查看", published="",
)
SPECIAL = Theme(
    site_name="生活資訊網", tagline="新聞 · 理財 · 科技", html_lang="zh-TW",
    nav=(("首頁", "/"), ("資源下載", "/resources.html")), sidebar_title="熱門新聞", tags_title="標籤",
    tags=("理財", "貸款", "手機", "防詐"), friends_title="友站連結",
    footer_lines=("© 2026 生活資訊網", "本站部分內容由網友投稿"), accent="#c0392b", read_more="閱讀更多",
    published="發佈",
)
