"""Every word a user sees, in one place, named by meaning.

A branch that wants different wording edits this file only. Placeholders use
`str.format` names. Messages are sent as plain text (no Markdown/HTML), so a name that
contains `<b>` or `_` shows exactly as written.

Why one long file: the wording is one document for whoever rewords it, and
tests/test_texts.py checks it as one (no missing, unused or duplicated sentence).
"""

from bot.services.problems import Problem, ServiceError
from bot.services.weather import WeatherText
from storage.backup import BackupError, BackupFault
from storage.models import (
    CallOutcome,
    CareFlag,
    Category,
    HelpKind,
    LeaveReason,
    MakeupMethod,
    MeetingKind,
    PartyStatus,
    PassedOn,
    RoundKind,
    Sex,
    VisitKind,
)

# -- the command line (python -m bot …) ----------------------------------------------------
CLI_HELP_CONFIG = "配置文件（默认：环境变量 BRANCHBOT_CONFIG 或 ./config.toml）"
CLI_DESCRIPTION = "支部助手：离退休干部党支部的 Telegram 助手"
CLI_COMMANDS = "命令"
CLI_HELP_RUN = "运行机器人（默认）"
CLI_HELP_DEMO = "离线演示：不需要 token，也不联网"
CLI_HELP_DEMO_DB = "把演示数据保存到这个数据库文件（默认用完即删）"
CLI_HELP_DEMO_WEB = "演示完后在本机开启网页工作台，并给出书记的登录链接"
CLI_HELP_DEMO_PORT = "网页工作台的端口（默认 8080）"
CLI_HELP_CHECK = "检查配置文件，列出所有问题"
CLI_HELP_TEMPLATE = "生成人员名单模板 .xlsx"
CLI_HELP_IMPORT = "从 .xlsx 或 .csv 导入/更新人员名单"
CLI_HELP_SCHEDULE = "列出未来几天要推送的内容（时间、内容、发给谁）"
CLI_HELP_DAYS = "多少天（默认 30）"
CLI_HELP_REPORT = "生成年度工作报告 Excel 文件和图表"
CLI_HELP_YEAR = "哪一年（默认今年）"
CLI_HELP_OUT = "保存到哪个文件（默认 <年份>年工作报告.xlsx）"
CLI_HELP_EXPORT = "把全支部名单导出成和导入格式一样的 .xlsx（改好后再导入）"
CLI_HELP_PRINT = "打印服务卡、联络图或下次会议的签到表（A4 PDF）"
CLI_HELP_BACKUP = "备份数据库（机器人运行时也可以，备份后会检查完整性）"
CLI_HELP_BACKUP_DEST = "备份文件（.db），或存放备份的目录"
CLI_HELP_RESTORE = "从备份恢复（先检查备份文件；原数据库会另存一份）"
CLI_HELP_YES = "确认机器人已经停止"
CLI_CONFIG_BAD = "配置有问题（{path}）："
CLI_PROBLEM_LINE = "  - {problem}"
CLI_DEMO_SAVED = "\n演示数据已保存在 {path}"
CLI_DEMO_WEB = ("\n网页工作台已在本机开启。用浏览器打开书记的登录链接（只能用一次）：\n{url}\n"
                "按 Ctrl-C 结束。")
CLI_CONFIG_PROBLEMS = "{path}：发现 {count} 个问题"
CLI_CONFIG_OK = "{path}：配置正确。"
CLI_TEMPLATE_SUFFIX = "模板文件名请以 .xlsx 结尾"
CLI_TEMPLATE_DONE = "已生成模板：{file}"
CLI_BAD_DAYS = "--days 应在 1 到 400 之间"
CLI_FILE_ERROR = "{file}：{error}"

# -- paper: printed 亲情服务卡, 联络图 and sign-in sheets ------------------------------------
PRINT_MENU = "要打印什么？文件是 A4 的 PDF，大字，可以直接打印。"
BUTTON_PRINT_CARDS = "📇 打印亲情服务卡"
BUTTON_PRINT_MAP = "🗺 联络图"
BUTTON_PRINT_SIGN_IN = "📝 会议签到表"
PRINT_NOTHING = "没有可以打印的内容。"
PRINT_NO_MEETING = "近期没有您安排的会议，所以没有签到表。"
PRINT_WHICH_MEETING = "打印哪次会议的签到表？"
PRINT_MEETING_BUTTON = "{day} {kind}"
PRINT_SENT = "已发送，请查收文件。"
PRINT_DONE_FILE = "已保存：{path}"
PAPER_TITLE = "支部助手"
PAPER_FILE_CARDS = "亲情服务卡.pdf"
PAPER_FILE_MAP = "联络图.pdf"
PAPER_FILE_SIGN_IN = "签到表.pdf"
PAPER_CARD_TITLE = "亲情服务卡"
PAPER_CARD_NAME = "{name}同志（{group}）"
PAPER_CARD_LEADER = "党小组长：{name}　{phone}"
PAPER_CARD_SECRETARY = "支部书记：{name}　{phone}"
PAPER_CARD_HOTLINE = "支部紧急电话：{phone}"
PAPER_CARD_FOOTER = "{branch}　有事请随时打电话，我们上门服务"
PAPER_MAP_TITLE = "联络图：{group}（{count}人）"
PAPER_MAP_LEADER = "组长：{name}　{phone}"
PAPER_MAP_MEMBER = "{name}　{phone}　{address}"
PAPER_SIGN_TITLE = "会议签到表"
PAPER_SIGN_COLUMNS = ("姓名", "签名", "备注")

# -- the leader's phone round (电话转达) ----------------------------------------------------
ROUND_TITLE = {
    RoundKind.MEETING: "📞 请电话告知这些同志开会的事：\n{what}",
    RoundKind.HOLIDAY: "📞 请电话转达支部的节日问候：\n{what}",
    RoundKind.BIRTHDAY: "📞 请电话转达支部的生日祝福：\n{what}",
    RoundKind.ANNIVERSARY: "📞 请电话转达支部的政治生日祝福：\n{what}",
    RoundKind.WEATHER: "📞 天气预警，请电话告知这些同志：\n{what}",
    RoundKind.SAFE: "📞 {what}：",
    RoundKind.NOTICE: "📞 通知「{what}」还没有送到这些同志，请电话或上门告诉他们：",
    RoundKind.STUDY: "📞 学习资料「{what}」还没有学，请电话或上门给这些同志讲一讲：",
}
ROUND_PERSON = "· {name}　{phone}"
ROUND_PERSON_DONE = "· {name}：{outcome}"
ROUND_ALL_DONE = "全部告知到了，谢谢您！"
CALL_OUTCOME = {CallOutcome.PHONE: "电话已告知", CallOutcome.DOOR: "上门告知",
                CallOutcome.UNREACHED: "没联系上"}
CALL_BUTTON = {CallOutcome.PHONE: "📞{name}已告知", CallOutcome.DOOR: "🚪{name}上门",
               CallOutcome.UNREACHED: "❌{name}没联系上"}
CALL_SAVED = "已记录：{name} {outcome}"
CALL_ALREADY = "{name}已经告知到了。"
DIGEST_ROUNDS = ("📞 电话转达：本周{rounds}次，应转达{total}人，已告知{reached}人"
                 "，没联系上{unreached}人，还没打{pending}人")

# -- configuration problems (python -m bot check-config), by key in bot/config.py ----------
CONFIG_PROBLEMS = {
    "one_of": "其中之一：{options}",
    "list_of": "{item}的列表",
    "a_table": "一个表（[section]）",
    "type_str": "字符串",
    "type_int": "整数",
    "type_float": "数字",
    "type_bool": "true/false",
    "wrong_type": "{key}：应为{expected}，实际是 {value}",
    "unknown_key": "{key}：未知的配置项（请检查拼写，参见 config.example.toml）",
    "branch_timezone": "branch.timezone：未知的时区 {value}，例如 Asia/Shanghai",
    "telegram_webhook_secret": (
        "telegram.webhook.secret：webhook 模式必须设置密钥（1–256 个英文字母、数字、_ 或 -），"
        "否则任何人都能冒充 Telegram 给机器人发消息。生成一个："
        "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"),
    "meetings_minutes": "{key}：应在 0 到 1440 分钟之间",
    "care_days": "{key}：应为 1 到 3650 之间的整数",
    "clock_time": "{key}：应为 24 小时制时间，如 \"08:00\"",
    "weekday": "{key}：应为 1（周一）到 7（周日）",
    "file_unreadable": "{path}：无法读取配置文件（{error}）",
    "file_not_utf8": "{path}：配置文件必须是 UTF-8 编码",
    "file_not_toml": "{path}：TOML 格式错误：{error}",
    "branch_name": "branch.name：必须填写支部名称",
    "branch_latitude": "branch.latitude：纬度应在 -90 到 90 之间",
    "branch_longitude": "branch.longitude：经度应在 -180 到 180 之间",
    "chats_group_chat_id": "chats.group_chat_id：应为支部群的 chat id（群组 id 是负数）",
    "chats_committee_chat_id": "chats.committee_chat_id：应为支委群的 chat id（负数），不用时填 0",
    "chats_committee_chat_id_2": "chats.committee_chat_id：不能与 chats.group_chat_id 相同",
    "admins_secretary_ids": "admins.secretary_ids：至少填写一位书记的 Telegram 用户 id",
    "telegram_base_url": "telegram.base_url：应以 http:// 或 https:// 开头",
    "telegram_token": "telegram.token：未设置（也可用环境变量 BOT_TOKEN 提供）",
    "telegram_webhook_url": "telegram.webhook.url：webhook 模式需要 https:// 开头的公网地址",
    "web_port": "web.port：端口应在 1 到 65535 之间",
    "web_public_url": "web.public_url：应以 https:// 或 http:// 开头",
    "telegram_webhook_port": "telegram.webhook.port：端口应在 1 到 65535 之间",
    "telegram_timeout_seconds": "telegram.timeout_seconds：应在 0 到 300 秒之间",
    "telegram_rate_limit": "telegram.rate_limit：速率必须大于 0",
    "telegram_rate_limit_max_retries": "telegram.rate_limit.max_retries：不能为负数",
    "linking_invite_days": "linking.invite_days：至少 1 天",
    "meetings_eve_reminder_time": "meetings.eve_reminder_time：应为 24 小时制时间，如 \"19:00\"",
    "meetings_default_duration_minutes":
        "meetings.default_duration_minutes：应在 10 到 1440 分钟之间",
    "care_morning_time": "care.morning_time：应为 24 小时制时间，如 \"08:00\"",
    "posts_study_reminder_time": "posts.study_reminder_time：应为 24 小时制时间，如 \"09:00\"",
    "posts_followup_hours": "posts.followup_hours：应在 1 到 336 小时之间",
    "study_day_nth": "study_day.nth：应为 1 到 4（每月第几个）",
    "weather_base_url": "weather.base_url：应以 http:// 或 https:// 开头",
    "backup_keep": "backup.keep：至少保留 1 份",
    "scheduler_grace_hours": "scheduler.grace_hours：应在 0 到 24 之间",
    "meetings_card_edit_seconds":
        "meetings.card_edit_seconds：至少 3 秒（每个群每分钟最多 20 条消息）",
}

# -- the words for stored keys (storage/models.py); rewording one never touches data --------
CATEGORY = {Category.LIXIU: "离休", Category.TUIXIU: "退休", Category.SERVING: "在职"}
PARTY_STATUS = {PartyStatus.MEMBER: "党员", PartyStatus.PROBATIONARY: "预备党员",
                PartyStatus.OTHER_PARTY: "民主党派", PartyStatus.MASSES: "群众"}
SEX = {Sex.MALE: "男", Sex.FEMALE: "女"}
CARE_FLAG = {CareFlag.ILL: "患病", CareFlag.ALONE: "独居", CareFlag.FRAIL: "行动不便",
             CareFlag.HARDSHIP: "困难", CareFlag.HOSPITAL: "住院中"}
MEETING_KIND = {MeetingKind.GENERAL: "支部党员大会", MeetingKind.COMMITTEE: "支委会",
                MeetingKind.GROUP: "党小组会", MeetingKind.LECTURE: "党课",
                MeetingKind.PARTY_DAY: "主题党日", MeetingKind.STUDY_DAY: "学习活动日",
                MeetingKind.ORG_LIFE: "组织生活会", MeetingKind.OTHER: "其他"}
MAKEUP_METHOD = {MakeupMethod.HOME: "送学上门", MakeupMethod.PHONE: "电话传达",
                 MakeupMethod.SELF: "自学"}
LEAVE_REASON = {LeaveReason.ILL: "生病", LeaveReason.HOSPITAL: "住院", LeaveReason.AWAY: "外出",
                LeaveReason.FAMILY: "家中有事", LeaveReason.OTHER: "其他"}
VISIT_KIND = {VisitKind.HOLIDAY: "节日慰问", VisitKind.BIRTHDAY: "生日祝寿",
              VisitKind.HOSPITAL: "住院探望", VisitKind.HARDSHIP: "困难帮扶",
              VisitKind.ROUTINE: "日常走访", VisitKind.PHONE: "电话联系",
              VisitKind.BEREAVEMENT: "慰问家属", VisitKind.FUNERAL: "协助办理丧事",
              VisitKind.SURVIVOR: "遗属帮扶"}
HELP_KIND = {HelpKind.MEDICAL: "就医", HelpKind.DAILY: "生活", HelpKind.OTHER: "其他",
             HelpKind.HOSPITAL: "住院"}
# How a leader passed a notice / study material on, as the buttons say it.
PASSED_ON = {"notice": {PassedOn.PHONE: "电话已告知", PassedOn.DOOR: "上门告知"},
             "study": {PassedOn.PHONE: "电话传达", PassedOn.DOOR: "送学上门"}}

# -- command menu (Telegram shows these beside the latin command names) -------------------
CMD_START = "开始 / 绑定身份"
CMD_HELP = "我能做什么"
CMD_ME = "我的信息"
CMD_CARD = "亲情服务卡（我的联系人）"
# The main menu under the private chat (`bot.commands.MENU`): big buttons in plain words.
MENU_BUTTON = {"my_meetings": "📅 我的会议", "study": "📖 学习", "card": "📇 亲情卡",
               "helpme": "🙋 我需要帮助", "meeting": "🗓 安排会议", "proxy": "✍️ 代签到",
               "care": "❤️ 关怀名单", "makeups": "📋 补课任务", "notice": "📢 发通知",
               "visits": "🏠 走访", "report": "📊 年度报告"}
MENU_PLACEHOLDER = "点下面的按钮"
MENU_UPDATED = "您的职务有变化，下面的常用按钮已经更新。"
CMD_MAP = "联络图"
CMD_PRINT = "打印服务卡、联络图、签到表（PDF）"
CMD_ROSTER = "查看名册"
CMD_INVITE = "生成绑定链接"
CMD_ROLE = "设置角色和分组"

# -- role names --------------------------------------------------------------------------
ROLE_NAMES = {
    "secretary": "书记",
    "committee": "支委",
    "leader": "党小组长",
    "liaison": "联络员",
    "member": "成员",
    "stranger": "访客",
}

# -- start, linking ----------------------------------------------------------------------
WELCOME_STRANGER = (
    "您好！我是{branch}的支部助手。\n"
    "请点下面的「📱 发送手机号」按钮，我会按名册为您绑定身份。\n"
    "如果绑定不上，请找您的党小组长或书记要一个绑定链接。"
)
BUTTON_SHARE_PHONE = "📱 发送手机号"
WELCOME_LINKED = "{name}同志，您好！常用的事，点下面的大按钮就行。"
LINK_DONE = ("绑定成功！{name}同志，欢迎您。\n以后会议签到、学习、通知都可以在这里办理，"
             "常用的事点下面的大按钮就行。")
LINK_ALREADY_YOURS = "{name}同志，您的账号已经绑定好了，不用再操作。"
LINK_USED = "这个绑定链接已经用过了。如需重新绑定，请找书记或党小组长再要一个。"
LINK_EXPIRED = "这个绑定链接已过期。请找书记或党小组长再要一个新的。"
LINK_UNKNOWN = "这个绑定链接无效。请找书记或党小组长再要一个。"
LINK_ACCOUNT_TAKEN = "您的账号已经绑定为「{name}」。如有错误，请联系书记处理。"
CONTACT_NOT_OWN = "请点下面的「📱 发送手机号」按钮发送您本人的手机号，不要转发别人的名片。"
CONTACT_NO_MATCH = "名册里没有找到这个手机号。请联系您的党小组长或书记，请他们给您一个绑定链接。"
CONTACT_AMBIGUOUS = "名册里有几位同志用这个号码，无法确定是您。请找党小组长或书记要一个绑定链接。"
CONTACT_TAKEN = "这个手机号对应的同志已经绑定了另一个账号。如有疑问，请联系书记。"

# -- help --------------------------------------------------------------------------------
HELP_HEADER = "您可以使用这些功能（{role}）："
HELP_LINE = "/{name} — {description}"
HELP_BUTTONS = "点下面的大按钮："
HELP_BUTTON_LINE = "{button} — {description}"
HELP_OTHERS = "其他："
HELP_MORE = "您的全部工作命令：点输入框左边的「菜单」，或发送 /help 全部"
HELP_ALL_WORDS = ("全部", "all")
MY_MEETINGS_DESCRIPTION = "接下来的会议，我的参会记录"

# -- access ------------------------------------------------------------------------------
NOT_LINKED = "您还没有绑定身份。请私聊我发送 /start，按提示绑定。"
NOT_ALLOWED = "抱歉，这项功能只对{roles}开放。"
USE_IN_PRIVATE = "这项功能涉及个人信息，请在与我的私聊中使用。"
BUTTON_OPEN_PRIVATE = "💬 打开私聊"
ROLES_JOINER = "、"

# -- /me ---------------------------------------------------------------------------------
ME_TITLE = "您的信息"
ME_NAME = "姓名：{value}"
ME_GROUP = "党小组：{value}"
ME_CATEGORY = "类别：{value}"
ME_STATUS = "政治面貌：{value}"
ME_BIRTHDAY = "生日：{value}"
ME_AGE = "年龄：{value}岁"
ME_JOINED = "入党日期：{value}"
ME_PHONE = "手机号：{value}"
ME_RESIDENCE = "住址：{value}"
ME_ROLES = "职务：{value}"
ME_CORRECTION = "如有不对，请告诉您的党小组长或书记。"
LUNAR_BIRTHDAY = "农历{year}年{date}"
NO_GROUP = "未分组"
UNKNOWN = "未填写"

# -- /card 亲情服务卡 ----------------------------------------------------------------------
CARD_TITLE = "📇 亲情服务卡"
CARD_GROUP = "您的党小组：{group}"
CARD_LEADER = "党小组长：{name}　电话 {phone}"
CARD_LEADER_IS_SECRETARY = "党小组长（支部书记）：{name}　电话 {phone}"
CARD_NO_LEADER = "您的党小组暂时没有组长，有事请直接联系书记。"
CARD_SECRETARY = "支部书记：{name}　电话 {phone}"
CARD_FOOTER = "有任何困难，随时打电话，我们都在。"
NO_PHONE = "（未登记）"

# -- /map 联络图 ---------------------------------------------------------------------------
MAP_TITLE = "🗺 联络图（共{total}人）"
MAP_GROUP = "【{group}】组长：{leader}　{count}人"
MAP_GROUP_PHONE = "【{group}】组长：{leader}（{phone}）　{count}人"
MAP_NO_LEADER = "⚠️ 无组长"
MAP_MEMBERS = "　{names}"
MAP_UNASSIGNED = "⚠️ 未分组（{count}人）：{names}"
MAP_ALL_ASSIGNED = "✅ 每个人都有党小组和联系人。"
MAP_EMPTY = "名册还是空的。请先用 import-roster 导入人员名单。"

# -- /roster -----------------------------------------------------------------------------
ROSTER_SUMMARY = "名册：共{total}人，其中在世{alive}人。\n{groups}\n查看某人：/roster 姓名"
ROSTER_GROUP_LINE = "{group}：{count}人"
ROSTER_NOT_FOUND = "没有找到「{query}」。请检查姓名，或用编号查找。"
ROSTER_NOT_VISIBLE = "「{query}」不在您负责的党小组里。"
ROSTER_MANY = "找到{count}位，请用编号再查：\n{lines}"
ROSTER_MANY_LINE = "#{ext_id}　{name}　{group}"
ROSTER_PERSON_FLAGS = "关怀标记：{value}"
ROSTER_EXPORT_WORD = "导出"
ROSTER_EDIT_WORD = "改"
ROSTER_ADD_WORD = "新增"
# The fields `/roster 改 姓名 <字段> <值>` changes (words people type -> what they change).
ROSTER_FIELDS = {"手机": "phone", "电话": "phone", "手机号": "phone", "住址": "residence",
                 "地址": "residence", "类别": "category", "家属": "family",
                 "党小组": "group", "分组": "group"}
ROSTER_EDITED = "已修改{name}同志的{field}。"
ROSTER_ADDED = "已新增：{name}（{ext_id}，{group}）。可以用 /invite {name} 生成绑定链接。"
ROSTER_EDIT_USAGE = (
    "用法：\n/roster 改 姓名 手机 13800000000\n/roster 改 姓名 住址 幸福里3号楼\n"
    "/roster 改 姓名 类别 离休\n/roster 改 姓名 家属 张建军 儿子 13900000000\n"
    "/roster 改 姓名 党小组 第二党小组（书记）")
ROSTER_ADD_USAGE = ("用法：/roster 新增 编号 姓名 党小组 类别 政治面貌\n"
                    "例如：/roster 新增 A031 王明 第一党小组 退休 党员")
ROSTER_NOT_ALLOWED = "抱歉，您只能修改本组同志的信息，其他请联系书记。"
ROSTER_BAD_PHONE = "「{value}」不像手机号，请写11位手机号。"
ROSTER_BAD_WORD = "不认识「{value}」，可选：{options}。"
ROSTER_ID_TAKEN = "编号 {ext_id} 已经有人用了，请换一个。"
ROSTER_GROUP_UNKNOWN = "没有叫「{group}」的党小组。"
ROSTER_EXPORT_FILE = "人员名单.xlsx"
ROSTER_EXPORT_CAPTION = ("全支部名单，格式和导入的一样：改好后用 import-roster 导入，"
                         "就能一次更新。")
ROSTER_EXPORT_NOT_ALLOWED = "抱歉，导出全支部名单只有书记可以。"
FAMILY_CONTACT = "家属：{name}（{relation}）{phone}"
ROSTER_PERSON_LINKED = "账号：{value}"
ROSTER_LINKED_YES = "已绑定"
ROSTER_LINKED_NO = "未绑定（由组长代办）"
ROSTER_KEY_TARGET = "⭐ 重点服务对象"
ROSTER_DECEASED = "已故（{date}）"

# -- /invite -----------------------------------------------------------------------------
INVITE_USAGE = "用法：/invite 姓名（或编号），例如 /invite 张懋"
INVITE_CREATED = (
    "给{name}同志的绑定链接（{days}天内有效，只能用一次）：\n{link}\n"
    "请转发给{name}同志本人，点开后按「开始」即可绑定。"
)
INVITE_RELINK_NOTE = "注意：{name}同志已经绑定过账号，用新链接绑定后旧账号将解除。"
INVITE_DECEASED = "{name}同志的记录已归档，不能绑定。"

# -- /role -------------------------------------------------------------------------------
ROLE_USAGE = (
    "用法：\n"
    "/role 姓名 支委　　　　设为支委（书记、联络员同理）\n"
    "/role 姓名 取消支委　　取消支委\n"
    "/role 姓名 组长 第一党小组　　设为该党小组组长\n"
    "/role 姓名 取消组长\n"
    "/role 姓名 分组 第二党小组　　调到该党小组"
)
ROLE_GRANTED = "已将{name}设为{role}。"
ROLE_REVOKED = "已取消{name}的{role}职务。"
ROLE_LEADER_SET = "已将{name}设为{group}的组长。"
ROLE_LEADER_CLEARED = "已取消{name}的组长职务（{groups}）。"
ROLE_NOT_LEADER = "{name}现在不是任何党小组的组长。"
ROLE_MOVED = "已将{name}调到{group}。"
ROLE_UNKNOWN_GROUP = "没有名为「{group}」的党小组。现有：{groups}"

# -- chats -------------------------------------------------------------------------------
UNKNOWN_GROUP_BYE = "您好，我是{branch}的支部助手，只为本支部服务，现在退出本群。谢谢！"
LEFT_CHAT_BUTTON = {
    "group": "您已退出支部群，群里的按钮不能再用了。需要帮助请联系党小组长。",
    "committee": "您已不在支委群，群里的按钮不能再用了。",
}
LEFT_GROUP_NOTICE = "{name}同志退出了支部群。如是不小心退出的，请帮忙重新拉进群。"
GROUP_MIGRATED_LOG = "group {old} moved to {new}"

# -- errors ------------------------------------------------------------------------------
ERROR_USER = "出了点问题，请稍后再试。"
# When what the person did was saved, but the answer could not be given.
ERROR_USER_SAVED = "您的操作已经保存好了，只是回复没能发出。请不要再做一遍。"
ERROR_COMMITTEE = "⚠️ 支部助手出错：{error}（{where}）。详情见日志。"
DB_LOCKED = "⚠️ 数据库被别的程序占用，刚才的操作没有保存。请检查是否有人打开了数据库文件。"
DB_READONLY = "⚠️ 数据库变成了只读，刚才的操作没有保存。请检查文件权限或磁盘。"
DB_DISK_FULL = "⚠️ 磁盘空间不足，刚才的操作没有保存。请尽快清理磁盘。"

# -- roster import (command line and bot) ------------------------------------------------
IMPORT_PROBLEM_CELL = "第{row}行「{column}」：{reason}"
IMPORT_PROBLEM_ROW = "第{row}行：{reason}"
IMPORT_BAD_SUFFIX = "只能导入 .xlsx 或 .csv 文件。"
IMPORT_UNREADABLE = "文件打不开，请确认是用模板另存的 .xlsx 或 .csv 文件。"
IMPORT_EMPTY = "文件是空的。"
IMPORT_NO_PEOPLE = "文件里只有表头，没有人员。"
IMPORT_UNKNOWN_COLUMNS = "表头里有不认识的列：{columns}。请使用模板的列名。"
IMPORT_MISSING_COLUMNS = "缺少必填列：{columns}。"
IMPORT_TOO_MANY = "超过{limit}行，请检查文件。"
IMPORT_TOO_BIG = ("文件太大了（{size}），名册或题库一般不到0.1MB。"
                  "请只保留需要的内容，小于{limit}再发。")
IMPORT_TOO_WIDE = "表格的列太多了（超过{limit}列），请使用模板里的列。"
IMPORT_CELL_TOO_LONG = "第{row}行有一格内容太长（超过{limit}字），请检查。"
IMPORT_REQUIRED = "必填，不能为空"
IMPORT_DUPLICATE_ID = "编号与第{row}行重复"
IMPORT_TOO_LONG = "太长了"
IMPORT_ONE_OF = "「{value}」不对，应为：{options}"
IMPORT_FUTURE_DATE = "日期在今天之后"
IMPORT_BAD_PHONE = "「{value}」不是有效的电话号码"
IMPORT_LEADER_NEEDS_GROUP = "组长必须填写所在党小组"
IMPORT_TWO_LEADERS = "{group}已在第{row}行指定了组长"
IMPORT_FAILED = "导入失败，没有写入任何数据。共{count}处问题："
IMPORT_DONE = "导入完成：新增{created}人，更新{updated}人，新建党小组{groups}个。"
IMPORT_UNTOUCHED = "名册中另有{count}人不在本文件里，保持不变。"
IMPORT_KEPT = "以下{count}人在机器人里已记录去世或已删除个人信息，导入没有改动他们："
IMPORT_KEPT_LINE = "  {ext_id} {name}（{why}）"
IMPORT_KEPT_WHY = {"deceased": "已去世", "erased": "个人信息已删除"}

# -- meetings: creating ------------------------------------------------------------------
CMD_MEETING = "安排会议"
CMD_MEETINGS = "近期会议（改期、取消）"
CMD_PROXY = "代签到 / 代请假"
CMD_CLOSE = "结束会议"
CMD_MAKEUPS = "补课任务"
CMD_ATTENDANCE = "出勤记录"
MEETING_USAGE = (
    "一行安排会议：\n/meeting 类型 日期 时间 地点 议题\n"
    "例如：/meeting 党小组会 12月5日 9:30 广泉小区活动室 学习会议精神\n"
    "或只发 /meeting，按按钮一步步来。"
)
# Other names people type for a kind in `/meeting <kind> …`.
MEETING_KIND_ALSO = {"党员大会": MeetingKind.GENERAL, "支部大会": MeetingKind.GENERAL,
                     "支部委员会": MeetingKind.COMMITTEE, "小组会": MeetingKind.GROUP}
MEETING_BAD_KIND = (
    "没有「{kind}」这种会议。可选：支部党员大会、支委会、党小组会、党课、主题党日、"
    "学习活动日、组织生活会、其他。"
)
MEETING_NEED_GROUP = (
    "请写明哪个党小组，例如：/meeting 党小组会 第一党小组 12月5日 9:30 活动室 学习"
)
MEETING_IN_PAST = "这个时间已经过去了，请换一个时间。"
MEETING_NOT_ALLOWED = "抱歉，您只能安排和管理本党小组的党小组会，其他会议请联系书记。"
SEND_REFUSED = "⚠️ 通知「{title}」没能发到{chat}，已停止发送。{advice}改好后请重新发一次。"
CARD_REFUSED = ("⚠️ {summary}：签到卡没能发到群里。{advice}"
                "改好后请用 /meetings 改一下时间，签到卡会重新发出。")
POST_NO_SUCH_CHAT = "本支部没有设置支委群，请选择别的发送对象。"
SEND_NO_CHAT = "⚠️ 通知「{title}」没有发出：本支部没有设置{chat}。支委内部的材料不会发到支部群。"
REFUSAL_NO_RIGHTS = "我在群里没有发言权限：请把我设为群管理员。"
REFUSAL_NOT_IN_CHAT = "我已经不在这个群里了：请把我重新拉进群，并设为群管理员。"
REFUSAL_OTHER = "Telegram 拒绝了这条消息：请检查群的设置，或联系技术人员。"

MEETING_CREATED = "已安排：{summary}\n{plan}"
REPEAT_NTH = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", 5: "最后一个"}
MEETING_REPEAT = "每月{nth}周{weekday}"
MEETING_REPEAT_WHEN = "{repeat}{time}（第一次：{first}）"
MEETING_SERIES_PLAN = ("以后{repeat}都会自动安排，提前{days}天发出，各有签到卡。"
                       "不再需要时，在 /meetings 里点「⏹ 停止每月重复」。")
BUTTON_STOP_SERIES = "⏹ 停止每月重复"
SERIES_STOPPED = "已停止：{repeat}的{kind}以后不再自动安排（已安排的这次照常）。"
SERIES_STOPPED_ALREADY = "这个每月会议已经停止了。"
WHAT_SERIES = "安排每月会议：{kind}「{topic}」（{day}）"
# What will happen, said truthfully: the parts are joined into one sentence.
PLAN_CARD_LATER = "会前{minutes}分钟在群里发签到卡"
PLAN_CARD_NOW = "签到卡现在就发到群里"
PLAN_REMIND = {("eve", "soon"): "前一晚和会前会提醒大家", ("soon",): "会前会提醒大家",
               ("eve",): "前一晚会提醒大家", (): ""}
MEETING_SUMMARY = "{kind}「{topic}」，{when}，{place}"
MEETING_WHEN = "{day}{start}"
DATE_EXAMPLE = "例如：12月5日、明天、下周三、2026-12-05"
TIME_EXAMPLE = "例如：上午9:30、下午2点半"
DATE_UNREADABLE = "看不懂日期「{text}」，" + DATE_EXAMPLE
DATE_PAST = "{month}月{day}日已经过去了，请换一个日期（" + DATE_EXAMPLE + "）"
TIME_UNREADABLE = "看不懂时间「{text}」，" + TIME_EXAMPLE
TIME_INVALID = "时间「{text}」不存在，" + TIME_EXAMPLE
WIZ_KIND = "请选择会议类型："
DAY_BUTTON = "{month}月{day}日 周{weekday}"
WIZ_GROUP = "哪个党小组开会？"
WIZ_DAY = "哪一天？点按钮，或直接输入（例如 12月5日、下周三）："
WIZ_TIME = "几点开始？点按钮，或直接输入（例如 9:30、下午2点半）："
WIZ_PLACE = "在哪里开？请输入地点："
WIZ_PLACE_RECENT = "在哪里开？点按钮，或输入新地点："
WIZ_TOPIC = "会议议题是什么？请输入（例如：学习会议精神）："
WIZ_CONFIRM = "请确认：\n{summary}"
MEETING_CONFIRM = "请确认：\n会议：{kind}\n时间：{when}\n地点：{place}\n议题：{topic}"
WIZ_PLACE_GUESSED = ("（地点里有空格时，请用逗号把地点和议题隔开重发，"
                     "例如：…9:30，幸福里 社区 活动室，学习）")
WIZ_CANCELLED = "已取消，没有安排会议。"
WIZ_EXPIRED = "好久没有操作，安排会议已自动取消。需要时请重新发送 /meeting。"
WIZ_STALE = "这一步已经过去了，请按最新的提示操作。"
BUTTON_CONFIRM = "✅ 确认"
BUTTON_CANCEL = "❌ 取消"
BUTTON_BACK = "↩️ 返回"

# -- meetings: managing ------------------------------------------------------------------
MEETINGS_NONE = "近期没有您可以管理的会议。"
MEETINGS_ITEM = "{summary}\n状态：{status}"
MEETING_STATUS = {"scheduled": "未开始", "open": "签到中", "closed": "已结束",
                  "cancelled": "已取消"}
BUTTON_RESCHEDULE = "🕘 改时间"
BUTTON_PLACE = "📍 改地点"
BUTTON_TOPIC = "📝 改议题"
BUTTON_CANCEL_MEETING = "❌ 取消会议"
ASK_NEW_TIME = "请输入新的日期和时间，例如：12月6日 9:30"
ASK_NEW_PLACE = "请输入新的地点："
ASK_NEW_TOPIC = "请输入新的议题："
ASK_CANCEL = "确定取消这个会议吗？已回复的同志会收到通知。\n{summary}"
BUTTON_CANCEL_YES = "确定取消"
BUTTON_CANCEL_NO = "不取消"
MEETING_RESCHEDULED = "已改期：{summary}\n{plan}"
MEETING_DETAILS_CHANGED = "已修改：{summary}"
MEETING_CANCELLED = "已取消：{summary}"
MEETING_KEPT = "好的，会议照常。"
NOTIFY_RESCHEDULED = "通知：{summary}\n会议时间有变化，请您留意。"
NOTIFY_DETAILS_CHANGED = "通知：{summary}\n会议安排有变化，请您留意。"
NOTIFY_CANCELLED = "通知：{kind}「{topic}」（原定{when}）已取消。"
GROUP_CANCELLED = "📢 {kind}「{topic}」（原定{when}）取消了。"
GROUP_CHANGED = "📢 会议有变化：{summary}"

# -- the check-in card -------------------------------------------------------------------
MCARD_TITLE = "📋 {kind}：{topic}"
MCARD_TIME = "🕘 {when}"
MCARD_PLACE = "📍 {place}"
MCARD_COUNTS = "应到 {expected} · 已签到 {present} · 请假 {excused} · 未到 {missing}"
MCARD_NAMES = "已签到：{names}"
MCARD_PROXY_NAME = "{name}（由{proxy}代签到）"
MCARD_CLOSED = "🏁 会议已结束：应到 {expected} · 实到 {present} · 请假 {excused} · 缺席 {absent}"
MCARD_CANCELLED = "❌ 会议已取消"
BUTTON_CHECK_IN = "✅ 签到"
BUTTON_LEAVE = "📝 请假"

# -- taps (toasts: short, they show for a few seconds) ----------------------------------
# A press whose effect was saved before a restart, delivered again: answered, not redone.
TAP_SAVED_BEFORE = "已记录，谢谢您！"
TAP_CHECKED_IN = "{name}同志，已为您签到"
TAP_ALREADY_IN = "{name}同志，您已经签到了"
TAP_EXCUSED_ASK_REASON = "{name}同志，已为您请假。请在私聊里选一下原因"
TAP_EXCUSED_OPEN_CHAT = "{name}同志，已为您请假。点这里打开私聊选原因"
TAP_ALREADY_EXCUSED = "{name}同志，您已经请过假了"
TAP_IN_NOT_EXCUSED = "{name}同志，您已经签到，不用请假"
TAP_NOT_OPEN = "签到还没开始，会前{minutes}分钟开放"
TAP_CLOSED = "会议已结束，签到已关闭"
TAP_CANCELLED = "这个会议已取消"
TAP_NOT_EXPECTED = "这次会议不需要您参加，谢谢关心！"
TAP_NOT_LINKED = "您还没有绑定身份，请先私聊我绑定"
TAP_STALE = "这个按钮已失效，请看最新的消息"
TAP_NOT_ALLOWED = "抱歉，您不能为这位同志代办"

# -- leave (private chat) ----------------------------------------------------------------
LEAVE_ASK_REASON = "{summary}\n您请假了。请选一下原因（只有书记和您的党小组长能看到）："
LEAVE_REASON_SAVED = "已记下：{reason}。会后党小组长会帮您补课。"
LEAVE_HOSPITAL_SAVED = "已记下：住院。祝您早日康复！党小组长会和您联系。"

# -- proxy --------------------------------------------------------------------------------
PROXY_NONE = "现在没有可以代签到的会议。"
PROXY_PICK_MEETING = "为哪个会议代签到？"
PROXY_LIST = "{summary}\n为没有手机的同志代签到或代请假（点一下即记录）："
PROXY_ROW_PRESENT = "✅ {name} 签到"
PROXY_ROW_LEAVE = "📝 {name} 请假"
PROXY_ROW_DONE_IN = "✔️ {name} 已签到"
PROXY_ROW_DONE_OUT = "✔️ {name} 已请假"
PROXY_DONE_IN = "已为{name}代签到"
PROXY_DONE_OUT = "已为{name}代请假"
PROXY_NO_PEOPLE = "这个会议里没有您可以代办的同志。"

# -- reminders ----------------------------------------------------------------------------
# The card goes up an hour before the start: the evening before, 请假 is in each person's
# private reminder (or his leader takes it).
REMIND_EVE_GROUP = ("⏰ 明天的会议：{summary}\n请大家准时参加。"
                    "不能来的同志，请点私聊提醒里的「📝 请假」，或告诉组长。")
REMIND_SOON_GROUP = "⏰ {minutes}分钟后开会：{summary}\n到了请点签到卡上的「✅ 签到」。"
REMIND_PRIVATE_EVE = "{name}同志，明天有会：{summary}\n能来吗？来不了请点「📝 请假」。"
REMIND_PRIVATE_SOON = "{name}同志，{minutes}分钟后开会：{summary}"

# -- closing and make-up (补课) -----------------------------------------------------------
CLOSE_NONE = "现在没有您可以结束的会议。"
CLOSE_PICK = "结束哪个会议？"
CLOSE_DONE = (
    "会议已结束：实到 {present}/{expected}，请假 {excused}，缺席 {absent}。"
    "补课任务已发给各党小组长。"
)
CLOSE_ALREADY = "这个会议已经结束了。"
MAKEUP_LIST_TITLE = (
    "📚 补课任务：{meeting}\n以下同志没有参加，请帮他们补上（点一下记录补课方式）"
    "："
)
MAKEUP_PERSON = "{name}（{status}）"
MAKEUP_STATUS_EXCUSED = "请假"
MAKEUP_STATUS_ABSENT = "缺席"
MAKEUP_DONE = "已记录：{name} {method}（{day}）"
MAKEUP_ALREADY = "{name}的补课已经记录过了"
MAKEUP_ROW_DONE = "✔️ {name}：{method}"
MAKEUP_ROW_BUTTON = "{name}·{method}"
MAKEUP_LIST_DONE = "这次会议的补课都记录好了，谢谢您！"
MAKEUPS_NONE = "没有未完成的补课任务。👍"
MAKEUPS_TITLE = "未完成的补课任务（{count}项）："
MAKEUPS_ITEM = "· {name}：{meeting}"

# -- /attendance --------------------------------------------------------------------------
MY_MEETINGS_TITLE = "您接下来的会议："
MY_MEETINGS_NONE = "近期没有需要您参加的会议。"
MY_MEETINGS_LINE = "• {summary}"
MY_MEETINGS_ANSWER = {"present": "（已签到）", "excused": "（已请假）"}
MY_MEETINGS_LEAVE = "📝 {day} 请假"
ATT_MEMBER_TITLE = "您{year}年的参会记录："
ATT_MEMBER_LINE = "{day} {kind}：{status}"
ATT_MEMBER_NONE = "{year}年还没有已结束的会议记录。"
ATT_STATUS = {"present": "✅ 出席", "excused": "📝 请假", "absent": "❌ 缺席"}
ATT_STATUS_PROXY = "✅ 出席（{proxy}代签）"
ATT_MEMBER_SUMMARY = "共{total}次：出席{present}次，请假{excused}次，缺席{absent}次。"
ATT_GROUP_TITLE = "{group} {year}年出勤："
ATT_PERSON_LINE = "{name}：出席{present}/{expected}（代签{proxy}）请假{excused} 缺席{absent}"
ATT_BRANCH_TITLE = "全支部{year}年出勤（出席率含代签，代签、请假另列）："
ATT_SECTION = {"kind": "【按会议类型】", "month": "【按月份】", "group": "【按党小组】"}
ATT_RATE_LINE = (
    "{label}：{rate:.0%}（出席{present}/{expected}，代签{proxy}，请假{excused}，"
    "缺席{absent}）"
)
ATT_NONE = "{year}年还没有已结束的会议。"
MONTH_LABEL = "{month}月"

# -- visits (四必访) -----------------------------------------------------------------------
CMD_VISIT = "记录走访 / 电话"
CMD_VISITS = "走访记录和统计"
CMD_CARE = "关怀名单（最需要关心的人）"
CMD_FLAG = "设置关怀标记（住院、困难、去世等）"
CMD_HELPME = "我需要帮助 / 我住院了"
VW_PEOPLE = "走访了谁？点名字选择（可以选几位），选好点「下一步」。找其他人请直接输入姓名："
VW_PEOPLE_NONE_FOUND = "没有找到「{query}」，请再输入一次姓名。"
VW_KIND = "是哪一类走访？"
VW_DATE = "哪天去的？点按钮，或输入日期（例如 11月20日）："
VW_WHO = "还有谁一起去？点「只有我」，或输入同去的人（例如 李平、王建国）："
VW_NOTES = "有什么情况要记下吗？（只有书记、组长和您能看到）请输入，或点「跳过」："
VW_GIFTS = "送了慰问品或慰问金吗？例如「水果一箱 200元」，或点「跳过」："
VW_SUMMARY_PEOPLE = "对象：{names}"
VW_SUMMARY_KIND = "类别：{kind}"
VW_SUMMARY_DATE = "日期：{day}"
VW_SUMMARY_WHO = "走访人：{who}"
VW_SUMMARY_NOTES = "情况：{notes}"
VW_SUMMARY_GIFTS = "慰问品：{gifts}"
VW_SUMMARY_MONEY = "慰问金：{money}元"
VW_SAVED = "已记录{count}条走访。谢谢您！"
VW_CANCELLED = "已取消，没有保存。"
VW_EXPIRED = "好久没有操作，这次走访记录已取消，没有保存。需要时请重新发送 /visit。"
BUTTON_NEXT = "下一步 ➡️"
BUTTON_TODAY = "今天"
BUTTON_YESTERDAY = "昨天"
BUTTON_ONLY_ME = "只有我"
BUTTON_SKIP = "跳过"
BUTTON_SAVE = "✅ 保存"
VISIT_BAD_KIND = "没有这种走访类别。"
VISIT_IN_FUTURE = "这个日期还没到，请输入已经去过的日期。"
VISIT_NO_PEOPLE = "请至少选一位同志。"
CARE_NOT_ALLOWED = "抱歉，只有书记和这位同志的党小组长可以这样做。"

# -- visit tasks --------------------------------------------------------------------------
TASK_NEW = "📌 新的走访任务：{kind} {name}，请在{due}前完成。"
TASK_NEW_HOSPITAL = "🏥 {name}同志住院了（{since}起）。请在{due}前去探望。"
TASK_BUTTON = "📝 记录走访"
TASK_GONE = "这项走访任务已经完成或取消了，不用再记录。"
TASK_OVERDUE_TITLE = "⏰ 这些走访任务已过期，请尽快完成："
TASK_LINE = "· {kind} {name}（应于{due}前）"
TASK_ESCALATED = "⚠️ 这些走访任务已过期{days}天以上，请您过问："
TASK_ESCALATED_LINE = "· {kind} {name}（负责：{assignee}，应于{due}前）"
NO_LEADER = "未指定组长"

# -- /visits ------------------------------------------------------------------------------
VISITS_PERSON_TITLE = "{name}的走访和联系记录："
VISITS_PERSON_NONE = "{name}还没有走访记录。"
VISITS_LINE = "{day} {kind}（{who}）"
VISIT_KIND_WITHHELD = "探望"  # a hospital or hardship visit, to those who may not know why
VISITS_LINE_NOTES = "　情况：{notes}"
VISITS_LINE_GIFTS = "　慰问：{gifts}"
MONEY_YUAN = "{amount}元"
VISITS_YEAR_TITLE = "{year}年走访统计："
VISITS_YEAR_KIND = "{kind}：{count}次"
VISITS_YEAR_TOTAL = "合计{count}次，走访到{people}人。"
VISITS_YEAR_SEED = "入户走访{home}次，住院探望{hospital}次，生日祝寿{birthday}次。"
VISITS_YEAR_MONEY = "慰问金共{money}元，慰问品{gifts}次。"
VISITS_YEAR_VISITORS = "按走访人："
VISITS_YEAR_VISITOR = "{name}：{count}次"
VISITS_NONE = "{year}年还没有走访记录。"

# -- /care -------------------------------------------------------------------------------
CARE_TITLE = "关怀名单（最需要关心的排在前面）："
CARE_OVERDUE = "⏰ {name}：{kind}已过期{days}天"
CARE_HOSPITAL = "🏥 {name}：住院第{days}天"
CARE_NOT_CONTACTED = "☎️ {name}：{days}天没联系了（重点服务对象）"
CARE_BIRTHDAY = "🎂 {name}：{days}天后{age}岁生日"
CARE_BIRTHDAY_TODAY = "🎂 {name}：今天{age}岁生日"
CARE_ALL_GOOD = "目前没有需要特别关心的事。👍"

# -- /flag -------------------------------------------------------------------------------
FLAG_USAGE = (
    "用法：\n/flag 姓名 住院　　/flag 姓名 出院\n"
    "/flag 姓名 患病（或 独居、行动不便、困难）\n/flag 姓名 取消患病\n"
    "/flag 姓名 去世 11月20日"
)
FLAG_SET = "已为{name}设置：{flag}。"
FLAG_CLEARED = "已为{name}取消：{flag}。"
FLAG_UNKNOWN = "不认识这个标记。可用：住院、出院、患病、独居、行动不便、困难、去世。"
# The words `/flag 姓名 <word>` understands: the flag it sets and whether it sets it.
FLAG_WORDS = {"住院": (CareFlag.HOSPITAL, True), "出院": (CareFlag.HOSPITAL, False),
              "患病": (CareFlag.ILL, True), "独居": (CareFlag.ALONE, True),
              "空巢": (CareFlag.ALONE, True), "行动不便": (CareFlag.FRAIL, True),
              "困难": (CareFlag.HARDSHIP, True)}
FLAG_DEATH_WORD = "去世"
FLAG_CLEAR_PREFIX = "取消"
FLAG_TASK = "已生成走访任务：{kind}，{due}前。"
DEATH_RECORDED = (
    "已记录{name}同志于{day}去世。记录已归档，不再发送问候和提醒。"
    "善后任务已生成：慰问家属、协助办理丧事、遗属帮扶。"
)
DEATH_ALREADY = "{name}同志的去世已经记录过了。"
DEATH_IN_FUTURE = "去世日期不能在今天之后。"

# -- 我需要帮助 / 我住院了 -----------------------------------------------------------------
HELPME_MENU = "您需要什么帮助？点一下，您的党小组长马上会知道："
BUTTON_IN_HOSPITAL = "🏥 我住院了"
BUTTON_NEED_HELP = "🙋 我需要帮助"
HELPME_KIND = "需要哪方面的帮助？"
HELPME_KIND_NAMES = {HelpKind.MEDICAL: "🏥 就医", HelpKind.DAILY: "🏠 生活",
                     HelpKind.OTHER: "💬 其他"}
HELPME_TEXT = "想说的话可以输入在这里（也可以点「跳过」）："
HELPME_SENT = "已经告诉您的党小组长{leader}了，{leader}会尽快联系您。"
HELPME_SENT_SECRETARY = "已经告诉书记了，会尽快联系您。"
HELPME_HOSPITAL_SENT = "已记下您住院了，祝您早日康复！党小组长{leader}会来看望您。"
HELPME_LEADER = "🙋 {name}同志需要帮助（{kind}）：{text}\n电话：{phone}\n联系后请点「已联系」。"
BUTTON_CONTACTED = "☎️ 已联系"
HELPME_ACKED = "已记录：您联系了{name}。"
HELPME_ALREADY = "{name}的求助已经有人联系过了。"
BUTTON_HELP_RESOLVED = "✅ 已解决"
BUTTON_HELP_REPORT = "⬆️ 上报书记"
BUTTON_HELP_REPORT_UP = "⬆️ 上报上级党委"
HELP_RESOLVED = "已记录：{name}的事已解决。"
HELP_RESOLVED_ALREADY = "{name}的事已经记为解决了。"
HELP_WHAT_DONE = "想记一句做了什么吗？直接写在这里（也可以点「跳过」）："
HELP_WHAT_DONE_SAVED = "记下了，谢谢您！"
HELP_REPORTED = "已上报书记：{name}的求助。"
HELP_REPORTED_UP = "已记为上报上级党委：{name}的求助（每周工作提示里会列出）。"
HELP_REPORTED_ALREADY = "{name}的求助已经上报过了。"
HELP_REPORT_NOTICE = ("⬆️ {by}上报：{name}同志的求助（{kind}）：{text}\n电话：{phone}\n"
                      "解决后请点「已解决」，需要上级帮助请点「上报上级党委」。")
CARE_HELP_OPEN = "🙋 {name}：求助（{kind}），{state}"
HELP_STATE = {"new": "还没联系", "contacted": "已联系", "reported": "已上报书记",
              "up": "已上报上级党委"}
DIGEST_HELP_UP = "⬆️ 上报上级党委、还没解决的求助：{count}件（详情请私聊 /care 查看）"
HELPME_ESCALATED = (
    "⚠️ {name}同志{hours}小时前请求帮助（{kind}），组长还没有联系。"
    "请您过问。电话：{phone}"
)

# -- notices and study material ---------------------------------------------------------
CMD_NOTICE = "发通知 / 发学习资料"
CMD_NOTICES = "通知送达情况、撤回"
CMD_STUDY = "学习资料和学习情况"
POST_KIND = "发什么？"
BUTTON_KIND_NOTICE = "📢 通知"
BUTTON_KIND_STUDY = "📖 学习资料"
POST_CONTENT = "请发来内容：文字，或者文件、图片（可以带说明文字）。第一行会作为标题。"
POST_CONTENT_BAD = "请发文字、文件或图片。"
UNTITLED = "（无标题）"
POST_TOO_LONG = "太长了，一条最多{limit}个字。请分成几条，或做成文件发来。"
POST_AUDIENCE = "发给谁？"
AUDIENCE_NAMES = {"group": "📣 支部群", "committee": "👥 支委群", "members": "✉️ 全体成员（私信）",
                  "party_group": "🏘 一个党小组（私信）"}
POST_PICK_GROUP = "哪个党小组？"
POST_RECEIPT = "要大家点「👍 收到」吗？（点了才知道谁看到了，组长会给没点的人打电话）"
BUTTON_RECEIPT_YES = "👍 要回执"
BUTTON_RECEIPT_NO = "不用"
POST_DUE = "学习期限是哪天？点「不设期限」，或输入日期（例如 12月10日）："
BUTTON_NO_DUE = "不设期限"
POST_WHEN = "现在发，还是定时发？定时请输入，例如：明天 9:00"
BUTTON_SEND_NOW = "现在发"
POST_WHEN_BAD = "请写成「日期 时间」，例如：明天 9:00。"
POST_PREVIEW = "请确认：\n发给：{audience}（{count}人）\n{extra}\n———\n{body}"
POST_PREVIEW_RECEIPT = "需要回执：{value}"
POST_PREVIEW_DUE = "学习期限：{value}"
POST_PREVIEW_LATER = "发送时间：{value}"
BUTTON_SEND = "✅ 发送"
POST_CANCELLED = "已取消，没有发送。"
POST_EXPIRED = "好久没有操作，这次发送已取消。"
POST_SCHEDULED = "好的，将于{when}发送。"
POST_NOT_ALLOWED = "抱歉，您只能给本党小组发通知。"
POST_FORWARD_OFFER = "要把这条消息发出去吗？"
NOTICE_HEADER = "📢 通知：{title}"
STUDY_HEADER = "📖 学习资料：{title}"
STUDY_DUE_LINE = "请在{due}前学习。"
BUTTON_ACK_NOTICE = "👍 收到"
BUTTON_ACK_STUDY = "📖 已学习"
BUTTON_REFLECT = "✍️ 写心得"
PROGRESS = "正在发送「{title}」：已发送 {done}/{total}"
SEND_SUMMARY = "「{title}」发送完成：送达{sent}人。"
SEND_UNREACHABLE = "无法送达{count}人（没打开过和我的私聊或屏蔽了我）：{names}"
SEND_UNLINKED = "未绑定{count}人：{names}"
SEND_LEADERS_WILL = "这些同志的名单会发给各党小组长，请他们电话或上门告知。"
SEND_POSTED = "已发到{chat}。"
ACK_NOTICE_DONE = "{name}同志，已收到，谢谢！"
ACK_STUDY_DONE = "{name}同志，已记下您学习了"
ACK_ALREADY = "{name}同志，已经记下了"
ACK_NOT_EXPECTED = "这条不是发给您的，谢谢关心！"
ACK_WITHDRAWN = "这条通知已撤回"
FOLLOWUP_TITLE = (
    "「{title}」还没有送到这些同志（{count}人），请电话或上门告诉他们，"
    "然后点一下记录："
)
FOLLOWUP_REASON = {"unlinked": "未绑定", "unreachable": "私信发不到", "pending": "还在发送",
                   "no_ack": "没点收到", "unreached": "没联系上"}
FOLLOWUP_LINE = "· {name}（{reason}）"
FOLLOWUP_DONE_ALL = "「{title}」：您组里的同志都已送到。👍"
HANDED_ON_DONE = "已记录：{name} {how}"
STUDY_REMIND = "{name}同志，「{title}」的学习期限是{due}，您还没有学习。看完请点「📖 已学习」。"
REFLECT_ASK = "请写下您学习「{title}」的心得体会，打字或发语音都可以："
REFLECT_SAVED = "心得已保存，谢谢您！书记和您的党小组长能看到。"
REFLECT_OPEN_CHAT = "请在私聊里写心得"
NOTICES_NONE = "最近没有通知。"
NOTICES_ITEM = "「{title}」{when}\n{coverage}"
COVERAGE_LINE = "{group}：直接{direct} · 组长告知{via} · 未送到{missing}"
COVERAGE_TOTAL = "合计：{done}/{total}（{rate:.0%}）"
COVERAGE_UNTRACKED = "（没有要求回执，无法统计）"
BUTTON_WITHDRAW = "🗑 撤回"
BUTTON_FOLLOWUP = "📋 我组未送到名单"
BUTTON_FOLLOWUP_ALL = "📋 全支部未送到名单"
WITHDRAW_ASK = "确定撤回「{title}」吗？已发出的消息会尽量删除。"
BUTTON_WITHDRAW_YES = "确定撤回"
WITHDRAWN = "已撤回「{title}」：删除了{deleted}条消息。"
STUDY_NONE = "最近没有学习资料。"
STUDY_MEMBER_LINE = "{mark} {title}{due}"
STUDY_DUE_SUFFIX = "（{due}前）"
STUDY_STAFF_LINE = "「{title}」已学习 {done}/{total}"
STUDY_STAFF_MISSING = "　未学习：{names}"
STUDY_REFLECTIONS = "　心得{count}篇：{names}"
STUDY_REFLECTION_LINE = "　　{name}：{text}"
STUDY_REFLECTION_VOICE = "（语音）"

# -- quizzes (知识答题) ---------------------------------------------------------------------
CMD_QUIZ = "知识答题"
QUIZ_ASK_FILE = (
    "请发来题库文件（.xlsx 或 .csv）。列名：题目、选项A、选项B……选项F、答案（填字母）、解析。"
    "发 /cancel 取消。"
)
QUIZ_NOT_A_FILE = "请发来 .xlsx 或 .csv 文件。"
QUIZ_IMPORT_FAILED = "题库没有导入，共{count}处问题："
QUIZ_IMPORTED = "题库「{title}」已导入：{count}道题，{percent}分及格。"
QUIZ_TOO_LONG = "太长了（最多{limit}个字）"
QUIZ_OPTION_GAP = "选项要从A开始连着填"
QUIZ_TWO_OPTIONS = "至少要有两个选项"
QUIZ_BAD_ANSWER = "答案「{value}」不对，应填：{letters}"
BUTTON_QUIZ_PUBLISH = "📣 发到支部群"
QUIZ_DEFAULT_FILE = "题库.xlsx"
BUTTON_QUIZ_ENTER = "✍️ 逐题录入"
QE_TITLE = "这次答题叫什么名字？（例如：党章知识）"
QE_QUESTION = "请输入第{n}题的题目："
QE_OPTIONS = "请输入选项，每行一个（2到6个）："
QE_OPTIONS_BAD = "选项要有2到6个，每行一个，请再输入一次。"
QE_ANSWER = "哪个是正确答案？"
QE_EXPLAIN = "请输入答案解析（答完会显示），或点「跳过」："
QE_ADDED = "已录入{count}题。"
BUTTON_QE_MORE = "➕ 再加一题"
BUTTON_QE_DONE = "✅ 完成"
BUTTON_QUIZ_RETAKES = "🔁 允许重答"
BUTTON_QUIZ_START = "✏️ 开始答题"
QUIZ_ANNOUNCE = "📝 知识答题：{title}（{count}道题）\n点下面的按钮，在和我的私聊里答题。"
QUIZ_PUBLISHED = "已发到支部群。"
QUIZ_RETAKES_ON = "已允许重答，成绩按最好的一次算。"
QUIZ_OPEN_CHAT = "请在私聊里答题"
QUIZ_QUESTION = "第{n}/{total}题：{question}"
QUIZ_FINISHED = "答完了！您答对了{score}/{total}题（{percent}分）。{verdict}"
QUIZ_PASSED = "很好！👍"
QUIZ_NOT_PASSED = "组长会和您一起再学习一下。"
QUIZ_HELP_LEADER = ("📖 {name}同志在「{title}」答题得了{percent}分，没有及格。"
                    "请找时间和{name}同志一起再学习一下（帮学）。")
QUIZ_ALREADY = "您已经答过这次题了，成绩是{score}/{total}题（{percent}分）。"
QUIZ_NONE = "还没有知识答题。"
QUIZ_MEMBER_LINE = "「{title}」：{result}"
QUIZ_MEMBER_TODO = "还没答"
QUIZ_MEMBER_SCORE = "{score}/{total}题（{percent}分）"
QUIZ_STAFF_LINE = "「{title}」{count}道题，已答{done}人，平均{average}分，{percent}分及格"
QUIZ_STAFF_BELOW = "　未及格（请组长帮一帮）：{names}"
QUIZ_STAFF_MISSING = "　还没答：{names}"

# -- scheduled pushes ---------------------------------------------------------------------
CMD_SCHEDULE_HEADER = "未来{days}天的推送（{tz}）："
SCHEDULE_LINE = "{when}　{what} → {to}"
SCHEDULE_NONE = "未来{days}天没有推送。"
TO_GROUP = "支部群"
TO_COMMITTEE = "支委群"
TO_PRIVATE = "{name}（私信）"
TO_GROUP_CALLS = "支部群；没绑定的同志由组长电话转达"
TO_GROUP_CALLS_SEVERE = "支部群；天气严重时，没绑定的同志由组长电话转达"
TO_CALL = "{name}（组长电话转达）"
HOLIDAY_GREETINGS = {
    "yuandan": ("🎉 元旦到了！支部祝各位老同志新年快乐，身体健康，万事如意！",
                "🎉 新年新气象！祝大家元旦快乐，岁岁平安，福寿安康！"),
    "chunjie": ("🧧 春节到了！支部给各位老同志拜年：祝您新春愉快，阖家幸福，健康长寿！",
                "🧧 新春佳节，支部向大家拜年！祝您和家人身体健康、龙马精神、万事顺意！",
                "🧧 过年好！感谢各位老同志一年来对支部工作的支持，祝您春节快乐、福寿绵长！"),
    "yuanxiao": ("🏮 元宵节快乐！祝各位老同志阖家团圆，吃好元宵，身体康健！",
                 "🏮 正月十五闹元宵，支部祝大家节日快乐，团团圆圆！"),
    "duanwu": ("🌿 端午安康！祝各位老同志节日愉快，身体健康！",
               "🌿 粽叶飘香，支部祝大家端午安康，平安喜乐！"),
    "jiandang": ("🚩 今天是中国共产党成立纪念日。向各位老党员致敬！祝大家身体健康，初心永驻！",
                 "🚩 七一建党节，支部向各位老党员、老同志致以节日的问候！"),
    "jianjun": ("🎖 八一建军节，向曾经在部队服役的老同志们致敬！祝大家节日快乐，身体健康！",
                "🎖 建军节到了，支部向各位老战士、老同志致以崇高的敬意和节日的问候！"),
    "zhongqiu": ("🥮 中秋节快乐！月圆人团圆，祝各位老同志阖家幸福，身体安康！",
                 "🥮 但愿人长久，千里共婵娟。支部祝大家中秋快乐，万事如意！"),
    "chongyang": ("🌼 今天是重阳节，也是老年节。支部祝各位老同志节日快乐，福如东海，寿比南山！",
                  "🌼 九九重阳，情暖夕阳。支部向各位老同志致以节日的问候，祝您健康长寿！",
                  "🌼 重阳节快乐！感谢各位老同志为党和人民作出的贡献，祝您身体硬朗，心情舒畅！"),
    "guoqing": ("🇨🇳 国庆节快乐！祝伟大祖国繁荣昌盛，祝各位老同志身体健康，节日愉快！",
                "🇨🇳 十月一日是祖国的生日，支部祝大家国庆快乐，幸福安康！"),
}
VISIT_LIST = "📋 今天是{holiday}。请各位组长看望、问候这些重点服务对象：\n{lines}"
VISIT_LIST_LINE = "【{group}】{names}"
BIRTHDAY_PRIVATE = "🎂 {name}同志，今天是您的生日！支部祝您生日快乐，身体健康，福寿绵长！"
BIRTHDAY_MILESTONE = "🎂 {name}同志，今天是您{age}岁大寿！支部全体同志祝您福如东海、寿比南山！"
BIRTHDAY_GROUP = "🎂 今天过生日的同志：{names}。祝他们生日快乐，健康长寿！"
BIRTHDAY_GROUP_AGE = "{name}（{age}岁大寿）"
BIRTHDAY_COMMITTEE = "🎂 今天{name}同志{age}岁大寿（{group}），请安排祝寿。"
MONTH_BIRTHDAYS = "🎂 {month}月过生日的同志（可安排集体过生日）：\n{lines}"
MONTH_BIRTHDAY_LINE = "{day} {name}{milestone}"
MONTH_MILESTONE = "（{age}岁整寿）"
MONTH_BIRTHDAYS_NONE = "🎂 {month}月没有同志过生日。"
ANNIVERSARY = (
    "🚩 {name}同志，今天是您入党{years}周年的政治生日！感谢您{years}年来的坚守，"
    "支部向您致敬！"
)
STUDY_DAY_AHEAD = "📖 {day}是本月学习活动日：{time}在{place}，主题「{topic}」。请大家安排好时间。"
STUDY_DAY_TODAY = "📖 今天是学习活动日：{time}在{place}，主题「{topic}」。签到卡会前发到群里。"
DIGEST_TITLE = "📊 本周工作提示（{day}）："
DIGEST_MAKEUPS = "补课未完成：{count}项（{detail}）"
DIGEST_MAKEUP_GROUP = "{group}{count}项"
DIGEST_OVERDUE = "走访任务已过期：{count}项"
DIGEST_HOSPITAL = "住院中：{count}人（详情请私聊 /care 查看）"
DIGEST_BIRTHDAYS = "未来7天生日：{names}"
DIGEST_NOTICES = "通知未送到100%：{items}"
DIGEST_NOTICE_ITEM = "「{title}」{rate:.0%}"
DIGEST_UNREACHABLE = "私信发不到：{names}"
DIGEST_UNLINKED = "未绑定（需组长代办）：{names}"
DIGEST_NOTHING = "各项工作都已跟上。👍"
WHAT_HOLIDAY = "{name}问候"
WHAT_VISIT_LIST = "{name}走访名单"
WHAT_BIRTHDAY = "{name}生日问候"
WHAT_MILESTONE = "{name}{age}岁整寿提醒"
WHAT_BIRTHDAY_GROUP = "群里公布当天生日"
WHAT_MONTH_BIRTHDAYS = "本月生日名单"
WHAT_ANNIVERSARY = "{name}入党{years}周年"
WHAT_STUDY_AHEAD = "学习活动日预告（并创建会议）"
WHAT_STUDY_TODAY = "学习活动日当天提醒"
WHAT_DIGEST = "每周工作提示"
WHAT_WEATHER = "天气检查（有预警才发）"

# -- weather ------------------------------------------------------------------------------
WEATHER_TITLE = "🌦 天气提醒（{city}）："
WEATHER_DAY = {"today": "今天", "tomorrow": "明天"}
WEATHER_HEAT = "{day}最高{value:.0f}℃，天气炎热。请少出门，多喝水，注意防暑。"
WEATHER_HEAT_STRONG = "{day}最高{value:.0f}℃，高温酷热！请避免中午外出，开空调别太凉，多喝温水。"
WEATHER_HEAT_SEVERE = (
    "{day}最高{value:.0f}℃，极端高温！请待在阴凉处，不要外出，身体不适马上告诉家人和组长。"
)
WEATHER_COLD = "{day}寒潮来袭，最低气温降到{value:.0f}℃。请添衣保暖，注意血压，出门防滑。"
WEATHER_FREEZE = "{day}最低{value:.0f}℃，严寒天气。请尽量少出门，注意室内取暖和通风。"
WEATHER_WIND = "{day}有大风（阵风{value:.0f}级）。请关好门窗，出门远离广告牌和大树。"
WEATHER_RAIN = "{day}有暴雨（{value:.0f}毫米）。请尽量不出门，注意防滑，低洼地方小心积水。"
WEATHER_SNOW = "{day}有雪。路面湿滑，请尽量不出门，出门一定穿防滑鞋、带拐杖。"
WEATHER_SLEET = "{day}有冻雨，路面结冰很滑！请不要出门。"
WEATHER_FOG = "{day}有大雾，能见度低。请推迟晨练，出门注意交通安全。"
WEATHER_TEXTS: dict[WeatherText, str] = {
    WeatherText.HEAT: WEATHER_HEAT, WeatherText.HEAT_STRONG: WEATHER_HEAT_STRONG,
    WeatherText.HEAT_SEVERE: WEATHER_HEAT_SEVERE, WeatherText.COLD: WEATHER_COLD,
    WeatherText.FREEZE: WEATHER_FREEZE, WeatherText.WIND: WEATHER_WIND,
    WeatherText.RAIN: WEATHER_RAIN, WeatherText.SLEET: WEATHER_SLEET,
    WeatherText.SNOW: WEATHER_SNOW, WeatherText.FOG: WEATHER_FOG,
}
WEATHER_SAFE_ASK = "这次天气很厉害，请点一下「🙋 我平安」，让组长放心。"
BUTTON_SAFE = "🙋 我平安"
SAFE_THANKS = "{name}同志，收到，您平安就好！"
SAFE_CALL = "恶劣天气后还没点「我平安」，请打电话问候，确认平安"
WEATHER_FAILED = "⚠️ 天气服务已连续{days}天取不到预报，今天的天气提醒没有发出。"

# -- backup and audit ---------------------------------------------------------------------
CMD_AUDIT = "操作记录"
CMD_WEB = "网页工作台登录"
BACKUP_FAILED = "⚠️ 今天的自动备份没有成功：{error}。请检查磁盘空间。"
BACKUP_DONE = "已备份到 {path}（{size}字节，{people}人，数据版本{version}）。"
RESTORE_DONE = "已从 {path} 恢复（{people}人，数据版本{version}）。原来的数据库保存在 {kept}。"
RESTORE_STOP_FIRST = "恢复前请先停止机器人，确认后加 --yes 再运行一次。"
RESTORE_BOT_RUNNING = "机器人还在运行，正在使用 {path}。请先停止机器人，再恢复。没有做任何改动。"
ALREADY_RUNNING = "另一个机器人正在使用 {path}，不能同时运行两个。"
AUDIT_TITLE = "最近的操作记录："
AUDIT_LINE = "{when} {actor}：{action}{subject}"
AUDIT_SYSTEM = "系统"
AUDIT_ACTIONS = {
    "link": "绑定账号", "invite": "生成绑定链接", "role+": "授予职务", "role-": "取消职务",
    "leader": "设置组长", "move": "调整分组", "import": "导入名单", "flag+": "设置关怀标记",
    "flag-": "取消关怀标记", "death": "记录去世", "visit": "记录走访", "task+": "生成走访任务",
    "help": "求助", "meeting+": "安排会议", "meeting~": "修改会议",
    "meeting:open": "开始签到", "meeting:closed": "结束会议", "meeting:cancelled": "取消会议",
    "meeting:scheduled": "会议改回未开始", "attendance:present": "签到",
    "attendance:excused": "请假", "makeup": "记录补课", "notice+": "发通知",
    "study+": "发学习资料", "ack": "确认收到/学习", "post-withdrawn": "撤回通知",
    "quiz+": "导入题库", "erase": "删除个人信息",
}
AUDIT_NONE = "还没有操作记录。"

# -- personal data --------------------------------------------------------------------------
CMD_EXPORT = "导出某人的个人数据"
CMD_ERASE = "删除某人的个人信息"
EXPORT_USAGE = "用法：/export 姓名（或编号）"
EXPORT_FILE = "个人数据-{ext_id}.json"
EXPORT_CAPTION = "{name}同志在支部助手里的全部数据。"
ERASE_USAGE = "用法：/erase 姓名（或编号）"
ERASE_ASK = (
    "确定删除{name}同志的个人信息吗？电话、住址、生日、关怀标记、走访情况、求助、心得都会删除，"
    "只保留姓名、编号和出勤、走访的次数记录。删除后不能恢复。"
)
BUTTON_ERASE = "确定删除"
ERASED = "已删除{name}同志的个人信息。"

# -- anonymous surveys (满意度测评) --------------------------------------------------------
CMD_SURVEY = "匿名测评"
SURVEY_USAGE = (
    "发起匿名测评：第一行写标题，下面每行一个问题，问题后空一格写选项，用 / 分开；"
    "想收意见就加一行「+意见」。例如：\n"
    "/survey 支部工作满意度测评\n您对支部工作满意吗？ 满意/基本满意/不满意\n+意见\n"
    "组织生活会后评议党员：/survey 民主评议"
)
SURVEY_ANNOUNCE = "📋 {title}\n完全匿名：谁填了什么，任何人都查不到。点下面的按钮，在私聊里填写。"
BUTTON_SURVEY_TAKE = "📝 参加测评"
BUTTON_SURVEY_CLOSE = "🏁 结束并看结果"
FORM_CREATED = "已发起「{title}」，已发到支部群。"
FORM_OPEN_CHAT = "请在私聊里填写"
FORM_QUESTION = "（{n}/{total}）{question}"
SURVEY_COMMENT = "有什么意见建议？直接输入，或点「跳过」："
SURVEY_THANKS = "已提交，谢谢您！您的回答是匿名的。"
SURVEY_ALREADY = "您已经参加过这次测评了，谢谢！"
SURVEY_CLOSED = "这次测评已经结束了。"
SURVEY_NOT_ALLOWED = "抱歉，只有书记可以结束测评"
SURVEY_NONE = "还没有测评。"
SURVEY_LINE_OPEN = "「{title}」进行中，已有{count}人参加"
SURVEY_LINE_CLOSED = "「{title}」已结束，{count}人参加"
SURVEY_TOO_FEW = "参加的人不到{minimum}人，为保护匿名，不显示结果。"
SURVEY_RESULT_TITLE = "「{title}」结果（{count}人参加）："
SURVEY_RESULT_QUESTION = "{question}"
SURVEY_RESULT_CHOICE = "　{choice}：{count}人（{share:.0%}）"
SURVEY_RESULT_SATISFIED = "　满意度 {share:.0%}"
SURVEY_RESULT_COMMENTS = "意见建议（{count}条）："
SURVEY_RESULT_COMMENT = "　· {text}"

# -- suggestions (建言献策) and good deeds --------------------------------------------------
CMD_SUGGEST = "给支部提建议"
CMD_SUGGESTIONS = "建议处理"
CMD_DEED = "记一件好事"
SUGGEST_USAGE = "请在 /suggest 后面直接写上您的建议，例如：/suggest 希望多组织户外参观学习"
SUGGEST_SAVED = "已收到您的建议，谢谢您为支部出主意！书记会尽快处理，有答复会告诉您。"
SUGGEST_NEW = "💡 新建议（{name}）：{text}"
SUGGEST_NEW_PROXY = "💡 新建议（{name}，由{proxy}代写）：{text}"
SUGGEST_PROXY_WORD = "代"
SUGGEST_PROXY_SAVED = "已替{name}同志记下建议，转给书记了。"
QUIZ_PAPER_WORD = "成绩"
SURVEY_PAPER_WORD = "代填"
STUDY_DICTATED_WORD = "心得"
STUDY_DICTATED_USAGE = "用法：/study 心得 姓名 心得内容（替没有手机的同志记下）"
STUDY_DICTATED_SAVED = "已替{name}同志记下「{title}」的学习心得，也记为已学习（由您代记）。"
SURVEY_PAPER_START = "代{name}同志填写纸质问卷「{title}」：请按纸上的选择点。"
SURVEY_PAPER_THANKS = "已记下{name}同志的问卷（匿名统计，只记下{name}同志已参加）。"
SURVEY_NONE_OPEN = "现在没有正在进行的测评。"
SURVEY_ALREADY_IN = "{name}同志已经填过这份问卷了。"
# 民主评议党员: an anonymous survey with a question per Party member.
APPRAISAL_WORD = "民主评议"
APPRAISAL_TITLE = "{year}年度民主评议党员"
APPRAISAL_SUBJECT = "{name}同志"
APPRAISAL_GRADES = ("优秀", "合格", "基本合格", "不合格")
APPRAISAL_ANNOUNCE = ("📋 {title}\n请每位党员给其他党员评一个等次"
                      "（优秀、合格、基本合格、不合格）。完全匿名：谁评了什么，任何人都查不到。点下面的按钮，在私聊里评议。")
BUTTON_APPRAISAL_REST = "✅ 其余都评合格，提交"
APPRAISAL_RESULT_LINE = "{name}：{counts}"
ORG_LIFE_APPRAISAL = ("组织生活会已经结束。需要民主评议党员时，请发送：/survey 民主评议"
                      "（匿名，每位党员给其他党员评等次，结束后您看结果）。")
APPRAISAL_RESULT_COUNT = "{grade}{count}"
APPRAISAL_TOO_FEW = "党员不到{minimum}人，无法匿名评议。"
APPRAISAL_NOT_PARTY = "民主评议由党员参加，{name}同志不用评。"
APPRAISAL_ONLY_PARTY = "民主评议由党员参加，您不用评，谢谢关心！"
QUIZ_PAPER_USAGE = "用法：/quiz 成绩 姓名 答对题数（纸上答题时，组长代记）"
QUIZ_PAPER_SAVED = ("已记下{name}同志在「{title}」的成绩：{score}/{total}题（{percent}分），"
                    "由您代记。")
QUIZ_BAD_SCORE = "答对题数应是 0 到 {total} 之间的数字。"
QUIZ_ALREADY_TAKEN = "{name}同志已经有这次答题的成绩了。"
BUTTON_SUGGEST_RECEIVED = "✔️ 已收到"
BUTTON_SUGGEST_DONE = "✅ 已处理"
BUTTON_SUGGEST_REPLY = "💬 答复"
SUGGEST_STATUS_SET = "已标记为「{status}」"
SUGGEST_ASK_REPLY = "请输入给{name}同志的答复："
SUGGEST_REPLY_TO_MEMBER = "💬 书记答复了您的建议「{text}」：\n{reply}"
SUGGEST_REPLIED = "答复已发给{name}同志。"
SUGGESTIONS_NONE = "还没有建议。"
SUGGESTIONS_LINE = "[{status}] {name}：{text}"
SUGGESTION_STATUS = {"new": "新建议", "received": "已收到", "done": "已处理", "replied": "已答复"}
DEED_USAGE = (
    "记好事：/deed 内容（记自己的），或 /deed 姓名 内容（组长记本组同志的）"
    "，例如：/deed 帮邻居修水管"
)
DEED_SAVED = "已记下{name}同志的好事：{text}。谢谢！"
DEED_NOT_ALLOWED = "抱歉，您只能记自己或本组同志的好事。"

# -- party dues (党费) ----------------------------------------------------------------------
CMD_DUES = "党费"
DUES_USAGE = (
    "书记：/dues 姓名 标准 20（每月20元）\n"
    "书记或组长：/dues 姓名 交 1-6月 120 现金\n"
    "书记：/dues 支出 500 慰问品 王建国（金额、用途、批准人）"
)
DUES_BAD_AMOUNT = "金额请写数字，例如 120 或 8.5。"
DUES_ZERO_AMOUNT = "金额要大于 0 元，例如 120 或 8.5。"
DUES_BAD_MONTHS = "月份请写成 1-6月、3月 或 全年。"
DUES_NOT_MEMBER = "这位同志不是党员，不需要交党费。"
DUES_NOT_ALLOWED = "抱歉，您只能为本组同志记党费。"
DUES_RATE_SET = "已设定{name}同志每月党费{amount}元。"
DUES_PAID = "已记录：{name} {first}至{last} 共{amount}元（{method}）。"
DUES_SPENT = "已记录支出：{amount}元，{purpose}，批准人{approver}。"
DUES_MINE = "您{year}年的党费：每月{rate}元，已交{paid}个月。{owed}"
DUES_MINE_OWED = "还有{months}月未交，共{amount}元。"
DUES_MINE_CLEAR = "都已交清，谢谢！"
DUES_NOT_PARTY = "您不需要交党费。"
DUES_GROUP_TITLE = "本组党费未交清（{year}年截至{month}月）："
DUES_GROUP_LINE = "{name}：{months}月未交，{amount}元"
DUES_GROUP_CLEAR = "本组党费都已交清。👍"
DUES_STATEMENT_TITLE = "{year}年党费收支："
DUES_STATEMENT_MONTH = "{month}月：收{collected}元，支{spent}元"
DUES_STATEMENT_TOTAL = "合计：收{collected}元，支{spent}元，结余{balance}元。"
DUES_STATEMENT_OWED = "未交清{count}人，共{amount}元。"

# -- yearly report (年度工作报告) -------------------------------------------------------------
CMD_REPORT = "年度工作报告"
REPORT_FILE = "{year}年工作报告.xlsx"
REPORT_TITLE = "📊 {year}年支部工作报告"
REPORT_ROWS = {
    "meetings": "召开会议",
    "attendance": "出勤率（含代签）",
    "proxy_excused": "其中代签 / 请假",
    "visits": "走访慰问",
    "seed": "入户走访 / 住院探望 / 生日祝寿",
    "money": "慰问金",
    "study": "学习资料完成率",
    "greetings": "节日和生日问候",
    "dues": "党费收 / 支",
    "makeups": "补课完成 / 应补",
    "visitors": "各人走访次数",
    "quizzes": "知识答题",
    "notices": "通知（送达率）",
    "calls": "组长电话转达（已告知 / 应转达）",
    "surveys": "满意度测评",
    "suggestions": "建言献策",
    "deeds": "好人好事",
}
REPORT_VALUE_QUIZ = "{title}：{count}人，平均{average}分"
REPORT_VALUE_NOTICES = "{count}条（{coverage}）"
REPORT_VALUE_SURVEY = "{title}：{count}人，满意度{satisfied}"
REPORT_VALUE_MEETINGS = "{total}次（{detail}）"
REPORT_VALUE_RATE = "{rate:.0%}（{present}/{expected}）"
REPORT_VALUE_PAIR = "{a} / {b}"
REPORT_VALUE_COUNT = "{count}次"
REPORT_VALUE_ITEMS = "{count}条"
REPORT_VALUE_STUDY = "{rate:.0%}（{posts}份资料）"
REPORT_LINE = "{label}：{value}"
CHART_ATTENDANCE_TITLE = "{year}年各月出勤率"
CHART_ATTENDANCE_AXIS = "出勤率（%）"
CHART_ATTENDANCE_FILE = "{year}年各月出勤率.png"
CHART_VISITS_TITLE = "{year}年走访慰问（按类别）"
CHART_VISITS_AXIS = "次数"
CHART_VISITS_FILE = "{year}年走访慰问.png"
CHART_EMPTY = "本年暂无记录"

# -- collections (信息统计) -----------------------------------------------------------------
CMD_COLLECT = "信息统计"
COLLECT_USAGE = (
    "发起信息统计：第一行写标题，再写「截止 12月10日」，可写「对象 全体/党员/组名」，"
    "然后每行一个问题，问题后空一格写类型：是否、文字、数字，或选项（用 / 分开）。例如：\n"
    "/collect 兼职情况统计\n截止 12月10日\n对象 党员\n是否在企业兼职？ 是否\n兼职单位 文字"
)
COLLECT_BAD_DEADLINE = "截止日期看不懂或已过去，请写成「截止 12月10日」。"
COLLECT_BAD_AUDIENCE = "对象请写：全体、党员，或党小组的名称。"
COLLECT_BAD_NUMBER = "请输入数字，例如 3。"
COLLECT_CLOSED = "这项统计已经截止了。"
COLLECT_NOT_EXPECTED = "这项统计不需要这位同志填写。"
COLLECT_ANNOUNCE = (
    "📝 信息统计：{title}\n请在{deadline}前填写。点下面的按钮，在私聊里填，"
    "只有书记和组长能看到。"
)
BUTTON_COLLECT_FILL = "📝 填写"
BUTTON_COLLECT_EXPORT = "📥 导出表格"
COLLECT_TYPE_HINT = "请直接输入："
COLLECT_SAVED = "已保存，谢谢！截止前可以重新填写修改。"
COLLECT_SAVED_FOR = "已替{name}同志保存。"
COLLECT_NONE = "还没有信息统计。"
COLLECT_PROGRESS_TITLE = "「{title}」截止{deadline}："
COLLECT_PROGRESS_LINE = "{group}：{answered}/{expected}"
COLLECT_FILL_FOR = "替{name}填"
COLLECT_FILE = "{title}.xlsx"
COLLECT_REMIND = (
    "{name}同志，「{title}」明天截止，您还没有填写。请发 /collect 填写，"
    "或告诉您的组长。"
)
COLLECT_REMIND_LEADER = "「{title}」明天截止，您组里还没填写的：{names}。没有手机的请您代填。"
WHAT_COLLECT_REMIND = "「{title}」截止前提醒"
TO_MISSING = "未填写的人和组长（私信）"

# -- what a service refused, by its typed key (bot/services/problems.py) --------------------

HELP_BAD_KIND = "请从按钮里选一类需要的帮助。"

PROBLEMS: dict[Problem, str] = {
    Problem.NOT_ALLOWED: TAP_NOT_ALLOWED,
    Problem.CARE_NOT_ALLOWED: CARE_NOT_ALLOWED,
    Problem.FLAG_UNKNOWN: FLAG_UNKNOWN,
    Problem.DEATH_IN_FUTURE: DEATH_IN_FUTURE,
    Problem.VISIT_BAD_KIND: VISIT_BAD_KIND,
    Problem.VISIT_IN_FUTURE: VISIT_IN_FUTURE,
    Problem.VISIT_NO_PEOPLE: VISIT_NO_PEOPLE,
    Problem.TASK_GONE: TASK_GONE,
    Problem.HELP_BAD_KIND: HELP_BAD_KIND,
    Problem.COLLECT_USAGE: COLLECT_USAGE,
    Problem.COLLECT_BAD_AUDIENCE: COLLECT_BAD_AUDIENCE,
    Problem.COLLECT_BAD_DEADLINE: COLLECT_BAD_DEADLINE,
    Problem.COLLECT_BAD_NUMBER: COLLECT_BAD_NUMBER,
    Problem.COLLECT_CLOSED: COLLECT_CLOSED,
    Problem.COLLECT_NOT_EXPECTED: COLLECT_NOT_EXPECTED,
    Problem.DUES_USAGE: DUES_USAGE,
    Problem.DUES_BAD_AMOUNT: DUES_BAD_AMOUNT,
    Problem.DUES_ZERO_AMOUNT: DUES_ZERO_AMOUNT,
    Problem.DUES_BAD_MONTHS: DUES_BAD_MONTHS,
    Problem.DUES_NOT_ALLOWED: DUES_NOT_ALLOWED,
    Problem.DUES_NOT_MEMBER: DUES_NOT_MEMBER,
    Problem.MEETING_USAGE: MEETING_USAGE,
    Problem.MEETING_BAD_KIND: MEETING_BAD_KIND,
    Problem.MEETING_NEED_GROUP: MEETING_NEED_GROUP,
    Problem.MEETING_IN_PAST: MEETING_IN_PAST,
    Problem.MEETING_NOT_ALLOWED: MEETING_NOT_ALLOWED,
    Problem.SURVEY_NONE_OPEN: SURVEY_NONE_OPEN,
    Problem.SURVEY_ALREADY_IN: SURVEY_ALREADY_IN,
    Problem.APPRAISAL_TOO_FEW: APPRAISAL_TOO_FEW,
    Problem.APPRAISAL_NOT_PARTY: APPRAISAL_NOT_PARTY,
    Problem.QUIZ_NONE_YET: QUIZ_NONE,
    Problem.QUIZ_BAD_SCORE: QUIZ_BAD_SCORE,
    Problem.QUIZ_ALREADY_TAKEN: QUIZ_ALREADY_TAKEN,
    Problem.ROSTER_EDIT_USAGE: ROSTER_EDIT_USAGE,
    Problem.ROSTER_ADD_USAGE: ROSTER_ADD_USAGE,
    Problem.ROSTER_NOT_ALLOWED: ROSTER_NOT_ALLOWED,
    Problem.ROSTER_BAD_PHONE: ROSTER_BAD_PHONE,
    Problem.ROSTER_BAD_WORD: ROSTER_BAD_WORD,
    Problem.ROSTER_ID_TAKEN: ROSTER_ID_TAKEN,
    Problem.ROSTER_GROUP_UNKNOWN: ROSTER_GROUP_UNKNOWN,
    Problem.DATE_UNREADABLE: DATE_UNREADABLE,
    Problem.DATE_PAST: DATE_PAST,
    Problem.TIME_UNREADABLE: TIME_UNREADABLE,
    Problem.TIME_INVALID: TIME_INVALID,
    Problem.SURVEY_USAGE: SURVEY_USAGE,
    Problem.NOT_LINKED: NOT_LINKED,
    Problem.STALE: TAP_STALE,
    Problem.SUGGEST_USAGE: SUGGEST_USAGE,
    Problem.DEED_USAGE: DEED_USAGE,
    Problem.DEED_NOT_ALLOWED: DEED_NOT_ALLOWED,
}


BACKUP_FAULTS = {
    BackupFault.MISSING: "{path} 不存在",
    BackupFault.NOT_A_DATABASE: "{path} 不是完好的数据库文件（{detail}）",
    BackupFault.DAMAGED: "{path} 已损坏：{detail}",
    BackupFault.FOREIGN: "{path} 不是支部助手的数据库",
    BackupFault.NEWER: "{path} 来自更新的版本（{version}），请先升级程序",
    BackupFault.RUNNING: "{path} 正在被机器人使用",
}


def backup_problem(exc: BackupError) -> str:
    """Why a backup or restore was refused, for the secretary."""
    return BACKUP_FAULTS[exc.fault].format(path=exc.path, **exc.values)


def explain(exc: ServiceError) -> str:
    """What to tell the person a service refused."""
    return PROBLEMS[exc.problem].format(**exc.values)


# -- the desk (bot/web): the secretary's web page -------------------------------------------
WEB_DISABLED = "网页工作台没有开启。请管理员在配置文件的 [web] 里设置 enabled = true。"
WEB_LINK = ("🖥 网页工作台登录链接（10分钟内有效，只能用一次）：\n{url}\n\n"
            "请在电脑或手机浏览器里打开。不要转发给别人。")
WEB_TITLE = "支部工作台"
WEB_NAV = {"overview": "总览", "roster": "名册", "meetings": "会议", "care": "走访与关怀",
           "notices": "通知", "report": "年度报告", "me": "我的"}
WEB_LOGOUT = "退出登录"
WEB_LOGGED_IN_AS = "{name}（{roles}）"
WEB_LOGIN_TITLE = "登录网页工作台"
WEB_LOGIN_BUTTON = "进入工作台"
WEB_LOGIN_HINT = "请点下面的按钮进入。这个链接只能用一次。"
WEB_LOGIN_FAILED = {
    "unknown": "这个登录链接不对。请在机器人私聊里发 /web 重新获取。",
    "used": "这个登录链接已经用过了。请在机器人私聊里发 /web 重新获取。",
    "expired": "这个登录链接已经过期（10分钟有效）。请在机器人私聊里发 /web 重新获取。",
    "not_linked": "您的账号已经不在支部名册里，不能登录。请联系支部书记。",
}
WEB_NEED_LOGIN = "请先登录：在机器人私聊里发 /web，点收到的链接。"
WEB_SESSION_OVER = "您已经退出，或者登录已过期、角色有变化。请在机器人私聊里发 /web 重新登录。"
WEB_LOGGED_OUT = "您已退出网页工作台。"
WEB_FORBIDDEN = "这一页您没有权限查看。"
WEB_NOT_FOUND = "没有找到这一页。"
WEB_CSRF = "这个表单已经失效，请刷新页面再试一次。"
WEB_BACK = "返回"
WEB_NONE = "暂无"
# 总览
WEB_OV_GROUPS = "各党小组"
WEB_OV_GROUP_COLS = ("党小组", "人数", "已绑定机器人", "组长")
WEB_OV_MONTH = "{month}月概况"
WEB_OV_MEETINGS = "本月会议：{count}次，出席{present}人次 / 应到{expected}人次"
WEB_OV_YEAR_RATES = "{year}年出勤率（按党小组）"
WEB_OV_RATE_COLS = ("党小组", "出勤率", "出席", "应到", "代签", "请假", "缺席")
WEB_OV_MAKEUPS = "待补课：{count}人"
WEB_OV_NOTICES = "最近通知送达"
WEB_OV_NOTICE_LINE = "「{title}」：{reached}/{total}人已送到"
WEB_OV_TASKS = "走访任务：逾期{overdue}项，待办{due}项；本月已走访{done}次"
WEB_OV_CARE = "关怀名单：{count}人"
WEB_OV_BIRTHDAYS = "本月生日：{names}"
WEB_PERSON_DAY = "{name} {day}"
WEB_PERSON_YEARS = "{name}（党龄{years}年）"
WEB_OV_ANNIVERSARIES = "本月政治生日：{names}"
WEB_OV_DUES = "{year}年党费：已收{collected}元 / 应收{expected}元"
WEB_OV_SUGGESTIONS = "待回复的意见建议：{count}条"
# 名册
WEB_ROSTER_SEARCH = "查找（姓名或编号）"
WEB_ROSTER_COLS = ("编号", "姓名", "党小组", "类别", "手机", "机器人", "")
WEB_ROSTER_EDIT = "修改"
WEB_ROSTER_EXPORT = "导出名册（Excel）"
WEB_ROSTER_IMPORT = "导入名册"
WEB_ROSTER_CARDS = "打印亲情服务卡（PDF）"
WEB_ROSTER_MAP = "打印联络图（PDF）"
WEB_ROSTER_COUNT = "共{count}人"
WEB_EDIT_TITLE = "修改 {name} 的信息"
WEB_EDIT_FIELDS = {"手机": "手机", "住址": "住址", "类别": "类别", "党小组": "党小组"}
WEB_EDIT_FAMILY = ("家属姓名", "关系", "家属电话")
WEB_EDIT_SAVE = "保存"
WEB_EDIT_SAVED = "已保存：{fields}"
WEB_EDIT_NOTHING = "没有改动。"
WEB_IMPORT_TITLE = "导入名册（Excel）"
WEB_IMPORT_HINT = "请选择名册文件（.xlsx，格式和「导出名册」一样）。先看预览，确认后才会写入。"
WEB_IMPORT_CHOOSE = "选择文件"
WEB_IMPORT_PREVIEW = "预览"
WEB_IMPORT_BAD = "文件有{count}处问题，名册没有改动。请改好后重新导入："
WEB_IMPORT_OK = "文件没有问题，共{count}行。确认后写入名册："
WEB_IMPORT_APPLY = "确认导入"
WEB_IMPORT_DONE = "已导入：新增{added}人，更新{updated}人。"
WEB_IMPORT_GONE = "预览已过期，请重新选择文件。"
WEB_IMPORT_UNREADABLE = "读不出这个文件，请确认是 .xlsx 格式的名册。"
# 会议
WEB_MEETINGS_COLS = ("日期", "会议", "议题", "地点", "出席 / 应到")
WEB_MEETINGS_CHART = "{year}年各月出勤率（按党小组）"
WEB_MEETING_STATUS = {"present": "✓ 出席", "proxy": "✓ 出席（{by}代签）", "excused": "请假",
                      "absent": "✗ 缺席", "none": "未回复"}
WEB_MEETING_COLS = ("姓名", "党小组", "情况")
# 走访与关怀
WEB_CARE_TASKS = "走访任务"
WEB_CARE_TASK_COLS = ("同志", "任务", "期限", "状态")
WEB_CARE_STATUS = {"overdue": "⚠ 已逾期{days}天", "due": "待办"}
WEB_CARE_LOG = "走访记录"
WEB_CARE_LOG_COLS = ("日期", "同志", "方式", "走访人", "情况")
WEB_CARE_HIDDEN = "（不公开）"
WEB_CARE_REQUESTS = "求助未办结：{count}件"
# 通知
WEB_NOTICE_COLS = ("党小组", "直接送到", "组长告知", "未送到", "还差谁")
# 年度报告
WEB_REPORT_TITLE = "{year}年度报告"
WEB_REPORT_WORKBOOK = "下载台账（Excel）"
# 我的
WEB_ME_TITLE = "我的页面（{name}）"
WEB_ME_COMING = "要参加的会议"
WEB_ME_YEAR = "{year}年参会情况"
