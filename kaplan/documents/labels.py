"""Labels of every heading and enum value, in Chinese and English."""

from __future__ import annotations

from kaplan.plan.model import Locale

STAGES: dict[int, tuple[str, str, str]] = {
    1: ("need", "发现问题，提出需求", "Problem recognised, need raised"),
    2: ("screening", "收集并筛选信息", "Information gathering and supplier screening"),
    3: ("team", "项目立项，组建采购小组", "Project approved, buying team formed"),
    4: ("criteria", "建立采购标准", "Purchase criteria set"),
    5: ("evaluation", "评估比较", "Evaluation and comparison"),
    6: ("preferred", "确定首选供应商", "Preferred supplier chosen"),
    7: ("negotiation", "商务谈判", "Commercial negotiation"),
    8: ("signing", "签约", "Contract signed"),
}


def stage_label(stage: int, locale: Locale) -> str:
    """The stage's label in the locale, e.g. ``评估比较`` or ``Evaluation and comparison``."""
    _, zh, en = STAGES[stage]
    return zh if locale == "zh" else en


# Enum values: (field kind, value) → (Chinese, English).
_ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "status": {
        "draft": ("草稿", "Draft"),
        "active": ("执行中", "Active"),
        "review": ("评审中", "In review"),
        "approved": ("已批准", "Approved"),
        "archived": ("已归档", "Archived"),
    },
    "per": {
        "month": ("每月", "per month"),
        "quarter": ("每季度", "per quarter"),
        "year": ("每年", "per year"),
    },
    "pattern": {
        "continuous": ("连续采购", "Continuous"),
        "batch": ("批量采购", "Batch"),
        "project": ("项目采购", "Project"),
        "seasonal": ("季节性", "Seasonal"),
    },
    "position": {
        "leader": ("领导者", "Leader"),
        "challenger": ("挑战者", "Challenger"),
        "follower": ("跟随者", "Follower"),
        "niche": ("细分市场", "Niche"),
    },
    "team_role": {
        "account_manager": ("客户经理", "Account manager"),
        "sales": ("销售", "Sales"),
        "presales": ("售前技术", "Presales"),
        "service": ("服务", "Service"),
        "executive_sponsor": ("高层支持", "Executive sponsor"),
    },
    "person_status": {"active": ("在职", "Active"), "left": ("已离职", "Left"), "moved": ("已调岗", "Moved")},
    "influence": {
        "high": ("高", "High"),
        "medium": ("中", "Medium"),
        "low": ("低", "Low"),
        "unknown": ("未知", "Unknown"),
    },
    "support": {
        "champion": ("铁杆支持", "Strong supporter"),
        "supporter": ("支持", "Supporter"),
        "neutral": ("中立", "Neutral"),
        "skeptic": ("怀疑", "Skeptic"),
        "opponent": ("反对", "Opponent"),
        "unknown": ("未知", "Unknown"),
    },
    "coverage": {
        "none": ("未接触", "None"),
        "brief": ("浅层接触", "Brief"),
        "multiple": ("多次接触", "Multiple"),
        "in_depth": ("深入了解", "In depth"),
    },
    "political": {
        "inner_circle": ("核心圈", "Inner circle"),
        "power_structure": ("权力结构内", "Power structure"),
        "formal_only": ("仅正式职权", "Formal only"),
        "unknown": ("未知", "Unknown"),
    },
    "basis": {
        "consent": ("本人同意", "Consent"),
        "public": ("公开信息", "Public"),
        "contract": ("合同约定", "Contract"),
    },
    "relation": {
        "influences": ("影响", "influences"),
        "conflicts": ("冲突", "conflicts with"),
        "ally": ("盟友", "ally of"),
        "informal_report": ("非正式汇报", "informally reports to"),
    },
    "competitor_status": {
        "incumbent": ("现有供应商", "Incumbent"),
        "active": ("活跃", "Active"),
        "potential": ("潜在", "Potential"),
        "displaced": ("已被替换", "Displaced"),
    },
    "level": {"high": ("高", "High"), "medium": ("中", "Medium"), "low": ("低", "Low")},
    "need_kind": {
        "product": ("产品需求", "Product"),
        "service": ("服务需求", "Service"),
        "special": ("特殊需求", "Special"),
        "personal": ("个人需求", "Personal"),
    },
    "visibility": {"explicit": ("明确", "Explicit"), "hidden": ("隐藏", "Hidden")},
    "outcome": {
        "open": ("进行中", "Open"),
        "won": ("赢单", "Won"),
        "lost": ("丢单", "Lost"),
        "no_decision": ("无决定", "No decision"),
    },
    "budget_status": {
        "unknown": ("未知", "Unknown"),
        "requested": ("已申请", "Requested"),
        "approved": ("已批准", "Approved"),
    },
    "role": {
        "economic_buyer": ("经济决策者", "Economic buyer"),
        "user_buyer": ("使用者", "User buyer"),
        "technical_buyer": ("技术把关者", "Technical buyer"),
        "coach": ("教练", "Coach"),
        "champion": ("内部拥护者", "Champion"),
        "influencer": ("影响者", "Influencer"),
        "gatekeeper": ("守门人", "Gatekeeper"),
        "approver": ("审批者", "Approver"),
        "procurement": ("采购部门", "Procurement"),
        "legal": ("法务", "Legal"),
        "blocker": ("阻碍者", "Blocker"),
    },
    "mode": {
        "growth": ("求发展", "Growth"),
        "trouble": ("有麻烦", "Trouble"),
        "even_keel": ("求平稳", "Even keel"),
        "overconfident": ("过于自信", "Overconfident"),
    },
    "criterion_kind": {
        "technical": ("技术", "Technical"),
        "commercial": ("商务", "Commercial"),
        "price": ("价格", "Price"),
        "quality": ("质量", "Quality"),
        "brand": ("品牌", "Brand"),
        "standard": ("行业标准", "Standard"),
        "service": ("服务", "Service"),
        "relationship": ("关系", "Relationship"),
    },
    "competition_position": {
        "ahead": ("领先于我们", "Ahead of us"),
        "even": ("与我们持平", "Even"),
        "behind": ("落后于我们", "Behind us"),
    },
    "contract": {"ours": ("我方合同", "Our paper"), "theirs": ("客户合同", "Their paper")},
    "crux_kind": {
        "product_service": ("产品或服务要害", "Product / service"),
        "special_need": ("特殊需求要害", "Special need"),
        "person": ("人物要害", "Person"),
        "personal": ("个人要害", "Personal"),
    },
    "action_status": {"open": ("待办", "Open"), "done": ("已完成", "Done"), "dropped": ("已放弃", "Dropped")},
    "severity": {"error": ("错误", "Error"), "warning": ("警告", "Warning"), "info": ("提示", "Info")},
    "rag": {"green": ("良好", "Green"), "amber": ("需关注", "Amber"), "red": ("危险", "Red")},
    "area": {
        "people": ("人员与覆盖", "People & coverage"),
        "projects": ("项目", "Projects"),
        "competition": ("竞争", "Competition"),
        "needs": ("需求与要害", "Needs & cruxes"),
        "freshness": ("时效", "Freshness"),
    },
    "audience": {
        "private": ("绝密·仅限客户团队", "Private: account team only"),
        "internal": ("内部资料", "Internal"),
        "external": ("合作伙伴版", "Partner edition"),
    },
}

# Headings and fixed words of the documents.
_WORDS: dict[str, tuple[str, str]] = {
    "dossier": ("大客户战略计划", "Key-account plan"),
    "briefing": ("会前简报", "Meeting briefing"),
    "contents": ("目录", "Contents"),
    "summary": ("执行摘要", "Executive summary"),
    "profile": ("客户概况", "Account profile"),
    "basics": ("基本资料", "Basics"),
    "legal_name": ("法定名称", "Legal name"),
    "group": ("所属集团", "Group"),
    "industry": ("行业", "Industry"),
    "hq": ("总部", "Headquarters"),
    "website": ("网站", "Website"),
    "business_scope": ("经营范围", "Business scope"),
    "contacts": ("联系方式", "Contacts"),
    "scale": ("企业规模", "Scale"),
    "employees": ("员工", "Employees"),
    "revenue": ("营业收入", "Revenue"),
    "sites": ("厂区/基地", "Sites"),
    "consumption": ("用量、模式与周期", "Consumption, pattern and cycle"),
    "category": ("品类", "Category"),
    "volume": ("用量", "Volume"),
    "pattern": ("采购模式", "Pattern"),
    "cycle": ("周期", "Cycle"),
    "months": ("个月", "months"),
    "next_purchase": ("下次采购", "Next purchase"),
    "development": ("发展状况", "Development"),
    "direction": ("发展方向", "Direction"),
    "plans": ("发展计划", "Plans"),
    "market_position": ("行业地位", "Market position"),
    "competitiveness": ("潜在竞争力", "Competitiveness"),
    "swot": ("SWOT 分析", "SWOT"),
    "strengths": ("优势", "Strengths"),
    "weaknesses": ("劣势", "Weaknesses"),
    "opportunities": ("机会", "Opportunities"),
    "threats": ("威胁", "Threats"),
    "projects": ("采购项目", "Projects"),
    "project": ("项目", "Project"),
    "stage": ("阶段", "Stage"),
    "stage_n": ("第 {n} 阶段", "Stage {n}"),
    "since_date": ("自 {date} 起", "since {date}"),
    "in_use_since": ("启用年份", "In use since"),
    "value": ("金额", "Value"),
    "outcome": ("结果", "Outcome"),
    "purpose": ("采购目的", "Purpose"),
    "timeline": ("时间表", "Timeline"),
    "need_by": ("需求日期", "Needed by"),
    "decide_by": ("决策日期", "Decision by"),
    "sign_by": ("签约日期", "Signing by"),
    "budget": ("预算", "Budget"),
    "budget_owner": ("预算负责人", "Budget owner"),
    "buying_team": ("采购小组", "Buying team"),
    "person": ("人员", "Person"),
    "roles": ("角色", "Roles"),
    "mode": ("反应模式", "Mode"),
    "win_personal": ("个人所得", "Personal win"),
    "win_business": ("业务所得", "Business win"),
    "criteria": ("采购标准", "Purchase criteria"),
    "criterion": ("标准", "Criterion"),
    "kind": ("类型", "Kind"),
    "weight": ("权重", "Weight"),
    "shaped_by_us": ("我方参与制定", "Shaped by us"),
    "our_rank": ("我方排名", "Our rank"),
    "decision_process": ("决策流程", "Decision process"),
    "step": ("步骤", "Step"),
    "owner": ("负责人", "Owner"),
    "by": ("期限", "By"),
    "paper_process": ("合同与审批", "Paper process"),
    "payment_terms": ("付款方式", "Payment terms"),
    "contract": ("合同文本", "Contract"),
    "approvals": ("审批人", "Approvals"),
    "competition": ("竞争态势", "Competition"),
    "special_requirements": ("特殊要求", "Special requirements"),
    "red_flags": ("危险信号", "Red flags"),
    "our_strengths": ("我方优势", "Our strengths"),
    "notes": ("备注", "Notes"),
    "people": ("关键人物", "People"),
    "org_chart": ("组织架构", "Organisation chart"),
    "power_map": ("权力地图", "Power map"),
    "influence": ("影响力", "Influence"),
    "support": ("态度", "Support"),
    "coverage": ("覆盖程度", "Coverage"),
    "political": ("政治地位", "Political"),
    "last_contact": ("最近接触", "Last contact"),
    "standing": ("地位与工作计划", "Standing and work plans"),
    "title": ("职务", "Title"),
    "department": ("部门", "Department"),
    "reports_to": ("上级", "Reports to"),
    "status": ("状态", "Status"),
    "personal": ("个人资料", "Personal profile"),
    "basis": ("合法依据", "Lawful basis"),
    "as_of": ("截至", "As of"),
    "family": ("家庭", "Family"),
    "education": ("教育背景", "Education"),
    "likes": ("喜好", "Likes"),
    "food": ("食物", "Food"),
    "restaurants": ("餐厅", "Restaurants"),
    "colors": ("颜色", "Colours"),
    "pets": ("宠物", "Pets"),
    "books": ("书籍", "Books"),
    "hobbies": ("爱好", "Hobbies"),
    "vacation": ("假期", "Holidays"),
    "vacation_last": ("上次度假", "Last holiday"),
    "vacation_next": ("下次计划", "Next holiday"),
    "schedule": ("日常行程", "Daily routine"),
    "relations": ("人际关系", "Relationships"),
    "goals": ("个人理想与目标", "Goals"),
    "wishes": ("未实现的愿望", "Unfulfilled wishes"),
    "relationships": ("人际影响关系", "Relationships"),
    "competitors": ("竞争对手", "Competitors"),
    "products": ("产品", "Products"),
    "usage": ("使用情况", "Usage"),
    "satisfaction": ("满意度", "Satisfaction"),
    "competitor_position": ("行业地位与核心竞争力", "Position and core competence"),
    "rep": ("销售代表", "Sales rep"),
    "style": ("销售风格", "Style"),
    "channels": ("渠道", "Channels"),
    "market_share": ("市场份额", "Market share"),
    "potential": ("发展潜力", "Potential"),
    "threat": ("威胁", "Threat"),
    "counter": ("我方对策", "Our counter"),
    "installed_base": ("在用产品", "Installed base"),
    "product": ("产品", "Product"),
    "vendor": ("厂商", "Vendor"),
    "us": ("我方", "Us"),
    "quantity": ("数量", "Quantity"),
    "price": ("价格", "Price"),
    "performance": ("性能", "Performance"),
    "pros": ("优点", "Pros"),
    "cons": ("缺点", "Cons"),
    "needs": ("客户需求", "Needs"),
    "explicit_needs": ("明确需求", "Explicit needs"),
    "hidden_needs": ("隐藏需求", "Hidden needs"),
    "holder": ("需求人", "Holder"),
    "priority": ("优先级", "Priority"),
    "evidence": ("依据", "Evidence"),
    "cruxes": ("要害", "Cruxes"),
    "cruxes_lead": ("抓住要害，集中力量攻击", "Where to strike"),
    "refs": ("涉及", "About"),
    "strike": ("攻击方法", "How we strike"),
    "actions": ("行动计划", "Actions"),
    "what": ("事项", "What"),
    "due": ("截止", "Due"),
    "overdue": ("已逾期", "Overdue"),
    "findings": ("辅导意见", "Coaching findings"),
    "health": ("计划健康度", "Plan health"),
    "no_findings": ("没有发现问题。", "No findings."),
    "team": ("我方团队", "Our team"),
    "tier": ("客户等级", "Tier"),
    "period": ("计划周期", "Period"),
    "reviewed": ("上次评审", "Last review"),
    "plan_owner": ("客户经理", "Account manager"),
    "page": ("第 {page} 页，共 {pages} 页", "Page {page} of {pages}"),
    "key_people": ("关键人物", "Key people"),
    "open_projects": ("进行中的项目", "Open projects"),
    "next_actions": ("下一步行动", "Next actions"),
    "snapshot": ("客户速览", "Account snapshot"),
    "none": ("无", "None"),
    "legend": ("图例", "Legend"),
    "generated": ("由 kaplan 生成", "Made with kaplan"),
    "pdf": ("PDF 版", "PDF"),
    "brief_pdf": ("会前简报", "Briefing"),
    "history": ("阶段历程", "Stage history"),
    "pipeline": ("销售漏斗", "Pipeline"),
    "to_win_over": ("需要争取或化解", "To win over"),
    "not_assessed": ("未评估", "Not assessed"),
    "recent_history": ("近期变化", "Recent history"),
}


def enum_label(kind: str, value: str | None, locale: Locale) -> str:
    """The label of an enum value in the locale (the value itself if unknown)."""
    if value is None:
        return ""
    pair = _ENUMS.get(kind, {}).get(value)
    if pair is None:
        return value
    return pair[0] if locale == "zh" else pair[1]


def word(key: str, locale: Locale, **fields: object) -> str:
    """A heading or fixed word in the locale, with ``{fields}`` filled in."""
    zh, en = _WORDS[key]
    text = zh if locale == "zh" else en
    return text.format(**fields) if fields else text


def enum_kinds() -> dict[str, dict[str, tuple[str, str]]]:
    """Every enum kind and its values' labels (for tests and documentation)."""
    return _ENUMS


def chinese_amount(amount: float, wan_digits: int = 1) -> str:
    """An amount of 10,000 or more in 万 or 亿, as Chinese readers count: ``120 万``, ``1.28 亿``."""
    if round(abs(amount) / 10_000, wan_digits) >= 10_000:  # 9,999.96 万 reads as 1 亿
        return _trim(f"{amount / 100_000_000:,.2f}") + " 亿"
    return _trim(f"{amount / 10_000:,.{wan_digits}f}") + " 万"


def _trim(number: str) -> str:
    """``1.50`` → ``1.5``, ``2.00`` → ``2``; whole numbers keep their zeros (``120``)."""
    return number.rstrip("0").rstrip(".") if "." in number else number
