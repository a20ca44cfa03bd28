import { Test } from '@nestjs/testing';
import { EventStoreModule } from '@dirsync/event-store';
import { ProjectionsModule } from './projections.module';

describe('ProjectionsModule', () => {
  it('refuses a projection thread over read models in memory, which the thread could not share', async () => {
    const compiling = Test.createTestingModule({
      imports: [EventStoreModule.forRoot({ kind: 'memory' }), ProjectionsModule.forRoot({ file: ':memory:', threadWithLog: '/tmp/events.sqlite' })],
    }).compile();
    await expect(compiling).rejects.toThrow('threadWithLog needs the read models in a file, not :memory:');
  });
});
