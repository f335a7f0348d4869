// 单位管理 › 批量导入 without Vue: the chosen CSV file read in the browser (FileReader, UTF-8,
// no upload form), the template, and when 【确定导入】 may be pressed (docs/api.md
// POST /admin/units/import). The server checks every line again and has the last word.

export const IMPORT_HEADER = '单位名称,统一社会信用代码,所在区,所在镇街,地址';
const IMPORT_BODY_MAX = 4 * 1024 * 1024; // the route's body cap, JSON included

export const IMPORT_FIELD_LABELS = {
  name: '单位名称',
  credit_code: '统一社会信用代码',
  district_code: '所在区',
  street_code: '所在镇街',
  address: '地址',
};

export function fieldLabel(field) {
  return IMPORT_FIELD_LABELS[field] || '—';
}

// The request body's size in bytes (what the server's 4 MiB cap counts).
function bodyBytes(csv) {
  return new Blob([JSON.stringify({ csv, dry_run: false })]).size;
}

// Reads a File as UTF-8 text. Rejects with a message to show: an empty file, one over the cap,
// or one that is not UTF-8 (Excel's plain “CSV” is GBK: the decoder leaves U+FFFD behind).
export function readCsvFile(file) {
  return new Promise((resolve, reject) => {
    if (!file) {
      reject(new Error('请选择CSV文件'));
      return;
    }
    if (!file.size) {
      reject(new Error('文件是空的'));
      return;
    }
    if (file.size > IMPORT_BODY_MAX) {
      reject(new Error('文件超过4MB，请分成几个文件导入'));
      return;
    }
    const reader = new FileReader();
    reader.onerror = () => reject(new Error('无法读取该文件，请重新选择'));
    reader.onload = () => {
      const text = String(reader.result || '');
      if (text.includes('\uFFFD')) {
        reject(new Error('文件不是UTF-8编码：请在Excel中“另存为”选择“CSV UTF-8（逗号分隔）”后重新选择'));
        return;
      }
      if (text.includes('\u0000')) {
        reject(new Error('该文件不是CSV文本文件'));
        return;
      }
      if (bodyBytes(text) > IMPORT_BODY_MAX) {
        reject(new Error('文件超过4MB，请分成几个文件导入'));
        return;
      }
      resolve(text);
    };
    reader.readAsText(file, 'utf-8');
  });
}

// The template: UTF-8 with a BOM (Excel then opens it as UTF-8), the header and one example.
export function templateCsv() {
  return `\uFEFF${IMPORT_HEADER}\r\n厦门示例科技有限公司,91350203MA2XXXXXXX,思明区,厦港街道,厦门市思明区示例路1号\r\n`;
}

// 【确定导入】 only after a preview of this very file that found no error.
export function canImport(preview) {
  return !!preview && preview.error_count === 0 && preview.rows > 0;
}

// The line under the preview: “共 N 行，可导入 M 行，K 处错误”.
export function previewSummary(preview) {
  if (!preview) return '';
  const errors = preview.error_count || 0;
  const shown = preview.errors ? preview.errors.length : 0;
  const more = errors > shown ? `（仅列出前 ${shown} 处）` : '';
  return `共 ${preview.rows} 行，可导入 ${preview.valid} 行，${errors} 处错误${more}`;
}
