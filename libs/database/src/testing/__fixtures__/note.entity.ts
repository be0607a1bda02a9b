import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('notes')
export class Note {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') body!: string;
  @Column('text', { array: true }) tags!: string[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
