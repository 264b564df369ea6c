import { HttpError } from '#shared/errors.js';

/**
 * The app store's codes and their messages in the two languages of the `Language` header. The
 * document's codes come first with its Chinese messages as written; the codes after them are this
 * API's own (headers, the lifecycle routes, the catalog), in the document's style.
 */
export const LANGUAGES = ['zh-CN', 'en-US'] as const;
export type Language = (typeof LANGUAGES)[number];

type Text = Readonly<Record<Language, string>>;

export const MESSAGES = {
  'Param.App_name.Blank': { 'zh-CN': 'APP名称为空', 'en-US': 'app_name is empty' },
  'Param.CustomerAppName.Blank': { 'zh-CN': '用户自定义APP名称为空', 'en-US': 'customer_app_name is empty' },
  'Param.CustomerAppName.NotExis': {
    'zh-CN': '不支持安装指定的App',
    'en-US': 'this app (or this version of it) cannot be installed: it is not in the catalog',
  },
  'Param.CustomerAppName.FormatError': {
    'zh-CN': '查询的APP_ID只能是数字和小写字母组成',
    'en-US': 'customer_app_name may contain only lowercase letters and digits (at most 40)',
  },
  'Param.CustomerAppName.Repeat': { 'zh-CN': '已经安装了此应用,请重新指定APP名称', 'en-US': 'an app with this name is already installed; choose another name' },
  'Param.CustomerAppName.Wait': {
    'zh-CN': '同名应用已经在安装等待中,请重新指定APP名称',
    'en-US': 'an app with this name is already queued or installing; choose another name',
  },
  'Requirement.NotEnough': { 'zh-CN': '系统资源(cpu,内存,磁盘空间)不足', 'en-US': 'not enough system resources (CPU, memory, disk space)' },
  ContainerCommandError: { 'zh-CN': '操作容器指令发生错误', 'en-US': 'a container operation failed' },
  SystemError: { 'zh-CN': '系统异常,请联系管理员', 'en-US': 'system error, please contact the administrator' },
  'Param.APP_ID.Blank': { 'zh-CN': '查询的APP_ID为空', 'en-US': 'app_id is empty' },
  'Param.APP_ID.FormatError': { 'zh-CN': '查询的APP_ID只能是数字和小写字母组成', 'en-US': 'app_id may contain only lowercase letters and digits' },
  'APP.NotExis': { 'zh-CN': '查询的APP没有安装', 'en-US': 'the app is not installed' },
  // This API's own codes.
  'Param.Version.Blank': { 'zh-CN': '请求头Version为空', 'en-US': 'the Version header is missing' },
  'Param.Version.Unsupported': {
    'zh-CN': '不支持请求头Version指定的接口版本(支持: 1.0)',
    'en-US': 'the Version header names an unsupported version (supported: 1.0)',
  },
  'Param.Language.Blank': { 'zh-CN': '请求头Language为空', 'en-US': 'the Language header is missing' },
  'Param.Language.Unsupported': {
    'zh-CN': '不支持请求头Language指定的语言(支持: zh-CN, en-US)',
    'en-US': 'the Language header names an unsupported language (supported: zh-CN, en-US)',
  },
  'Param.App_version.NotExis': { 'zh-CN': '目录中没有该应用的此版本', 'en-US': 'the catalog has no such version of this app' },
  'Param.KeepData.Blank': {
    'zh-CN': '请指定keep_data(true保留数据卷,false删除)',
    'en-US': 'keep_data is required: true keeps the volumes, false deletes them',
  },
  'Param.Lines.FormatError': { 'zh-CN': 'lines必须是1到5000之间的整数', 'en-US': 'lines must be a whole number from 1 to 5000' },
  'APP.Busy': { 'zh-CN': '该应用有操作正在进行中,请稍后再试', 'en-US': 'an operation on this app is in progress; try again when it ends' },
  'APP.NotCancelable': { 'zh-CN': '该应用没有排队或进行中的安装,无法取消', 'en-US': 'the app has no queued or running install to cancel' },
  'APP.AlreadyStopped': { 'zh-CN': '该应用已经停止', 'en-US': 'the app is already stopped' },
  'APP.NotStopped': { 'zh-CN': '该应用没有停止', 'en-US': 'the app is not stopped' },
} as const satisfies Record<string, Text>;

export type AppStoreCode = keyof typeof MESSAGES;

/**
 * An app store error: the document's code, its message in the caller's language, and an optional
 * detail (what is short and by how much, the cluster's refusal) appended in that language. The
 * family renders it as HTTP 404 `{"ResponseData": {"Error": {"Code", "Message"}}}`.
 */
export class AppStoreError extends HttpError {
  override name = 'AppStoreError';
  constructor(code: AppStoreCode, language: Language, detail?: string, options: { status?: number; cause?: unknown } = {}) {
    const text = MESSAGES[code][language];
    super(options.status ?? 400, detail ? `${text}: ${detail}` : text, { code, cause: options.cause });
  }
}

/** The message, shown even for a 500: the document's SystemError text is meant for the user. */
export function systemError(language: Language, cause: unknown): AppStoreError {
  const error = new AppStoreError('SystemError', language, undefined, { status: 500, cause });
  Object.defineProperty(error, 'expose', { value: true });
  return error;
}
