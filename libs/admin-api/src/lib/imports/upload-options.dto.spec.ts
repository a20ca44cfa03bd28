import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { UploadOptionsDto } from './upload-options.dto';

/** The upload's option fields through the app's validation pipe (configureAdminApi's settings). */
const validate = (fields: Record<string, string>) =>
  new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }).transform(fields, { type: 'body', metatype: UploadOptionsDto });

const messages = async (fields: Record<string, string>): Promise<string[]> => {
  const error = await validate(fields).then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(BadRequestException);
  return [(error as BadRequestException).getResponse() as { message: string | string[] }].flatMap(({ message }) => message);
};

describe('UploadOptionsDto mapping', () => {
  it('takes a JSON object of header: field texts', async () => {
    await expect(validate({ mapping: '{"Mail":"email"}' })).resolves.toMatchObject({ mapping: { Mail: 'email' } });
  });

  it.each(['{"EmailId":5}', '{"EmailId":null}', '{"":"email"}', '["email"]'])('refuses %s with 400 naming mapping', async (mapping) => {
    expect(await messages({ mapping })).toEqual([expect.stringMatching(/^mapping must be a JSON object of "header in the file": "field" pairs/)]);
  });
});
