import { raw } from 'hono/html';
import type { PrinterConfig } from '../../agent/config.js';
import type { JobRecord } from '../../agent/printing/jobs.js';
import type { Printed } from '../../drivers/printer/decode.js';
import { paperHtml, paperStyle, type PaperWords } from '../../drivers/printer/preview.js';
import type { PageContext } from '../page-context.js';

/**
 * A printed ticket as it came out, opened from the printers page in a tab of its own: the paper
 * drawn from the job's bytes, named in the staff's language. No frame and no script: the page is
 * sent with its own policy, which allows only its inline style and the paper's data: images.
 */
export function JobPreviewPage(props: { ctx: PageContext; job: JobRecord; printer: PrinterConfig | null; paper: readonly Printed[]; width: number }) {
  const { ctx, job } = props;
  const t = ctx.t;
  const type = t(`printers.type.${job.type}`);
  const title = t('preview.title', { ticket: job.number === null ? type : `${type} ${job.number}`, printer: props.printer?.name ?? job.printer });
  const words: PaperWords = {
    cut: t('preview.cut'),
    partialCut: t('preview.partialCut'),
    drawer: (pin) => t('preview.drawer', { pin }),
    unknown: (bytes) => t('preview.unknown', { bytes }),
    image: t('preview.image'),
    barcode: (symbology, data) => t('preview.barcode', { symbology, data }),
    qr: (data) => t('preview.qr', { data }),
  };
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <style>{raw(`body{margin:0;padding:16px;background:#e5e7eb;color:#111;font-family:system-ui,sans-serif}
h1{font-size:16px;font-weight:600;text-align:center;margin:0 0 12px}
${paperStyle(props.width)}`)}</style>
      </head>
      <body>
        <main>
          <h1>{title}</h1>
          <section aria-label={t('preview.paper')}>{raw(paperHtml(props.paper, props.width, words))}</section>
        </main>
      </body>
    </html>
  );
}
