import type { FastifyReply } from 'fastify';

/** Sends an update batch's file as a download (NAXML or JSON), for the admin and the agent API. */
export function sendContent(reply: FastifyReply, c: { filename: string; contentType: string; content: string }): FastifyReply {
  return reply
    .header('content-type', c.contentType)
    .header('content-disposition', `attachment; filename="${c.filename.replace(/[^\w.-]/g, '_')}"`)
    .send(c.content);
}
